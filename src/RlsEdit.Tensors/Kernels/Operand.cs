namespace RlsEdit.Tensors.Kernels;

/// <summary>
/// A pinned matrix operand as the packing routines see it: element (i, j) at <c>Base[i·RowStride + j·ColStride]</c>,
/// or, when <see cref="SymmetricLower"/>, the symmetric matrix whose lower triangle is stored there.
/// </summary>
internal readonly unsafe struct Operand<T> where T : unmanaged
{
    public readonly T* Base;
    public readonly nint RowStride;
    public readonly nint ColStride;
    public readonly bool SymmetricLower;

    public Operand(T* @base, nint rowStride, nint colStride, bool symmetricLower = false)
    {
        Base = @base; RowStride = rowStride; ColStride = colStride; SymmetricLower = symmetricLower;
    }

    /// <summary>The transpose; a symmetric operand is its own transpose.</summary>
    public Operand<T> Transposed => SymmetricLower ? this : new(Base, ColStride, RowStride);

    /// <summary>The operand whose (0, 0) is this one's (<paramref name="row"/>, <paramref name="col"/>); not for symmetric operands.</summary>
    public Operand<T> Offset(int row, int col) => new(Base + row * RowStride + col * ColStride, RowStride, ColStride);

    public T this[int i, int j]
    {
        get
        {
            if (SymmetricLower && i < j) (i, j) = (j, i);
            return Base[i * RowStride + j * ColStride];
        }
    }
}
