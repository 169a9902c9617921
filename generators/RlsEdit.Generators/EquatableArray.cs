using System;
using System.Collections.Generic;
using System.Linq;

namespace RlsEdit.Generators;

/// <summary>An immutable array compared element by element, so that generator models have value equality.</summary>
internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>
    where T : IEquatable<T>
{
    private readonly T[]? items;

    public EquatableArray(params T[] items) => this.items = items;

    public int Length => items?.Length ?? 0;

    public T[] AsArray() => items ?? Array.Empty<T>();

    public bool Equals(EquatableArray<T> other) => AsArray().SequenceEqual(other.AsArray());

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        int hash = 17;
        foreach (var item in AsArray()) hash = unchecked(hash * 31 + EqualityComparer<T>.Default.GetHashCode(item));
        return hash;
    }
}
