namespace RlsEdit.Tensors.Kernels;

/// <summary>
/// A pinned matrix operand as the packing routines see it: element (i, j) at <c>Base[i·RowStride + j·ColStride]</c>,
/// or, when <see cref="SymmetricLower"/>, element (<see cref="Row0"/> + i, <see cref="Col0"/> + j) of the symmetric
/// matrix whose lower triangle is stored there (a sub-block of a symmetric matrix is not itself a strided view).
/// </summary>
internal readonly unsafe struct Operand<T> where T : unmanaged
{
    public readonly T* Base;
    public readonly nint RowStride;
    public readonly nint ColStride;
    public readonly bool SymmetricLower;
    public readonly int Row0;
    public readonly int Col0;

    public Operand(T* @base, nint rowStride, nint colStride, bool symmetricLower = false, int row0 = 0, int col0 = 0)
    {
        Base = @base; RowStride = rowStride; ColStride = colStride; SymmetricLower = symmetricLower; Row0 = row0; Col0 = col0;
    }

    /// <summary>The transpose; a symmetric matrix is its own transpose, so only the block origin swaps.</summary>
    public Operand<T> Transposed => SymmetricLower
        ? new(Base, RowStride, ColStride, true, Col0, Row0)
        : new(Base, ColStride, RowStride);

    /// <summary>The operand whose (0, 0) is this one's (<paramref name="row"/>, <paramref name="col"/>).</summary>
    public Operand<T> Offset(int row, int col) => SymmetricLower
        ? new(Base, RowStride, ColStride, true, Row0 + row, Col0 + col)
        : new(Base + row * RowStride + col * ColStride, RowStride, ColStride);
}
