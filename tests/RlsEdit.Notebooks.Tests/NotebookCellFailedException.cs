namespace RlsEdit.Notebooks.Tests;

/// <summary>A notebook cell did not compile or threw; names the notebook, the cell and what went wrong.</summary>
public sealed class NotebookCellFailedException(string notebook, int cellIndex, string cellSource, string error)
    : Exception($"{notebook}, cell {cellIndex} (0-based, Markdown cells counted) failed:\n{error}\n--- cell source ---\n{cellSource}")
{
    public string Notebook { get; } = notebook;
    public int CellIndex { get; } = cellIndex;
}
