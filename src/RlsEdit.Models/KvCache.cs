using System.Numerics;
using RlsEdit.Tensors;

namespace RlsEdit.Models;

/// <summary>
/// Keys and values (after RoPE) of every position processed so far, per layer, for incremental decoding of one
/// sequence: each forward pass with the cache appends its tokens and attends to all cached positions.
/// </summary>
public sealed class KvCache<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>One layer's cached keys and values, [capacity, KV·hd] each.</summary>
    internal sealed class LayerCache(int capacity, int width)
    {
        public Matrix<T> Keys { get; } = new(capacity, width);
        public Matrix<T> Values { get; } = new(capacity, width);
    }

    internal LayerCache[] Layers { get; }

    /// <summary>Number of positions cached.</summary>
    public int Length { get; internal set; }
    /// <summary>The most positions the cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>A cache for <paramref name="config"/> holding up to <paramref name="capacity"/> positions.</summary>
    public KvCache(ModelConfig config, int capacity)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (capacity < 1 || capacity > config.MaxSequenceLength)
            throw new ModelInputException("KvCache", nameof(capacity), $"1…{config.MaxSequenceLength} (the model's context)", capacity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Capacity = capacity;
        Layers = new LayerCache[config.LayerCount];
        for (int i = 0; i < Layers.Length; i++) Layers[i] = new LayerCache(capacity, config.KeyValueHeadCount * config.HeadDim);
    }

    /// <summary>Forgets every cached position.</summary>
    public void Clear() => Length = 0;
}
