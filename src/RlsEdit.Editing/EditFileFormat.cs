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
