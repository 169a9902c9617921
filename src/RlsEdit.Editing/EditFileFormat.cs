namespace RlsEdit.Editing;

/// <summary>The layout of an edit file.</summary>
public enum EditFileFormat
{
    /// <summary>Decide from the first record: <c>requested_rewrite</c> means CounterFact, <c>src</c> and <c>loc</c> mean ZsRE.</summary>
    Auto,
    /// <summary>ROME/MEMIT <c>counterfact.json</c> records (the world's edit sets).</summary>
    CounterFact,
    /// <summary>MEMIT-shaped ZsRE records (<see cref="ZsreRecord"/>).</summary>
    Zsre,
}

/// <summary>Which ZsRE field becomes the edit's new target.</summary>
public enum ZsreTarget
{
    /// <summary><c>answers[0]</c>, as MEMIT's, AlphaEdit's and RLSEdit's reference loaders do (a correction task).</summary>
    Answer,
    /// <summary><c>alt</c>, as EasyEdit's loader does (a counterfactual task).</summary>
    Alt,
}
