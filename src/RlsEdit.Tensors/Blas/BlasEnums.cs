namespace RlsEdit.Tensors;

/// <summary>Which side a triangular or symmetric operand multiplies from.</summary>
public enum Side
{
    /// <summary>op(A)·X.</summary>
    Left,
    /// <summary>X·op(A).</summary>
    Right,
}

/// <summary>Which triangle of a square view holds the data.</summary>
public enum Triangle
{
    /// <summary>On and below the diagonal.</summary>
    Lower,
    /// <summary>On and above the diagonal.</summary>
    Upper,
}

/// <summary>Whether a triangular matrix has an implicit unit diagonal.</summary>
public enum Diagonal
{
    /// <summary>The stored diagonal is used.</summary>
    NonUnit,
    /// <summary>The diagonal is taken as ones and never read.</summary>
    Unit,
}
