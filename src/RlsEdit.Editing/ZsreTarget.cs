namespace RlsEdit.Editing;

/// <summary>Which ZsRE field becomes the edit's new target.</summary>
public enum ZsreTarget
{
    /// <summary><c>answers[0]</c>, as MEMIT's and AlphaEdit's loaders do (the lineage of the RLSEdit reference code; a correction task).</summary>
    Answer,
    /// <summary><c>alt</c>, as EasyEdit's loader does (a counterfactual task).</summary>
    Alt,
}
