using System.Globalization;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx.Statistics;

/// <summary>
/// Streams a corpus through a key source and accumulates E[k kᵀ] for each layer, checkpointing to
/// <c>checkpoint.npz</c> in the output folder so that an interrupted run resumes where it stopped.
/// </summary>
public static class StatisticsRun
{
    /// <summary>The checkpoint file name inside the output folder (removed when the run completes).</summary>
    public const string CheckpointFile = "checkpoint.npz";

    /// <summary>
    /// Runs (or resumes) the accumulation and writes <c>layer{L}.npz</c> per layer into <paramref name="outputDirectory"/>.
    /// <paramref name="progress"/> receives the tokens done so far after each batch.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; a checkpoint was written first.</exception>
    /// <exception cref="InvalidOperationException">A checkpoint exists for another model, corpus, settings or layer set.</exception>
    public static IReadOnlyList<LayerStatistics> Run(IKeySource source, TokenCorpus corpus, StatisticsOptions options, string outputDirectory,
        Action<long>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.CheckpointEveryBatches);
        Directory.CreateDirectory(outputDirectory);
        int length = Math.Min(options.SequenceLength, source.MaxLength);
        var corpusFingerprint = Fingerprint.ToWords(Fingerprint.OfText(
            Fingerprint.ToHex(Fingerprint.ToWords(Fingerprint.OfFiles([corpus.Path])))
            + string.Create(CultureInfo.InvariantCulture, $";length={length};max_tokens={options.MaxTokens}")
            + (options.PerDocument ? ";per_document" : "")));
        string checkpoint = Path.Combine(outputDirectory, CheckpointFile);
        var (accumulators, done) = File.Exists(checkpoint)
            ? ResumeFrom(checkpoint, source, corpusFingerprint)
            : (source.Layers.ToDictionary(l => l, l => new SecondMomentAccumulator(source.KeyWidth(l))), 0L);
        progress?.Invoke(done);

        long position = 0;
        int sinceCheckpoint = 0;
        foreach (var windows in corpus.Windows(length, options.MaxTokens, options.PerDocument).Chunk(options.BatchSize))
        {
            long size = windows.Sum(w => (long)w.Length);
            if (position + size <= done) { position += size; continue; }
            if (position < done)
                throw new InvalidOperationException($"StatisticsRun: checkpoint '{checkpoint}' stops at token {done}, inside a batch ({position}..{position + size}); use the batch size it was written with.");
            var keys = windows.All(w => w.Length == windows[0].Length)
                ? source.Keys(windows.SelectMany(w => w).ToArray(), windows.Length, windows[0].Length)
                : source.Keys(windows);
            foreach (var (layer, acc) in accumulators) acc.Add(keys[layer].View);
            position += size;
            done = position;
            progress?.Invoke(done);
            if (cancellation.IsCancellationRequested)
            {
                WriteCheckpoint(checkpoint, accumulators, done, source.ModelFingerprint, corpusFingerprint);
                cancellation.ThrowIfCancellationRequested();
            }
            if (++sinceCheckpoint == options.CheckpointEveryBatches)
            {
                WriteCheckpoint(checkpoint, accumulators, done, source.ModelFingerprint, corpusFingerprint);
                sinceCheckpoint = 0;
            }
        }
        if (done == 0) throw new InvalidOperationException($"StatisticsRun: the corpus '{corpus.Path}' yielded no tokens.");
        var results = accumulators.Select(kv => new LayerStatistics(kv.Key, kv.Value.Count, kv.Value.SecondMoment(),
            source.ModelFingerprint, corpusFingerprint)).ToArray();
        foreach (var s in results) s.Save(Path.Combine(outputDirectory, LayerStatistics.FileName(s.Layer)));
        File.Delete(checkpoint);
        return results;
    }

    private static void WriteCheckpoint(string path, Dictionary<int, SecondMomentAccumulator> accumulators, long done, long[] model, long[] corpus)
    {
        var arrays = new List<(string, NpyArray)>
        {
            ("tokens_done", NpyArray.FromInt64([done])),
            ("layers", NpyArray.FromInt64(accumulators.Keys.Select(l => (long)l).ToArray(), accumulators.Count)),
            ("model_fingerprint", NpyArray.FromInt64(model, 4)),
            ("corpus_fingerprint", NpyArray.FromInt64(corpus, 4)),
        };
        foreach (var (layer, acc) in accumulators)
        {
            arrays.Add(($"sum_{layer}", NpyArray.FromMatrix(acc.Sum().View)));
            arrays.Add(($"count_{layer}", NpyArray.FromInt64([acc.Count])));
        }
        Npz.Write(path, arrays);
    }

    private static (Dictionary<int, SecondMomentAccumulator>, long) ResumeFrom(string path, IKeySource source, long[] corpus)
    {
        var a = Npz.Read(path);
        string Mismatch(string what) => $"StatisticsRun: checkpoint '{path}' was written for another {what}; delete it or use another output folder.";
        if (!a["model_fingerprint"].ToInt64Array().SequenceEqual(source.ModelFingerprint)) throw new InvalidOperationException(Mismatch("model"));
        if (!a["corpus_fingerprint"].ToInt64Array().SequenceEqual(corpus)) throw new InvalidOperationException(Mismatch("corpus, sequence length, token budget or window mode"));
        var layers = a["layers"].ToInt64Array().Select(l => (int)l).ToArray();
        if (!layers.SequenceEqual(source.Layers)) throw new InvalidOperationException(Mismatch($"layer set ({string.Join(",", layers)})"));
        var acc = layers.ToDictionary(l => l, l => SecondMomentAccumulator.Resume(a[$"sum_{l}"].ToMatrix<double>().View, a[$"count_{l}"].ToInt64Array()[0]));
        return (acc, a["tokens_done"].ToInt64Array()[0]);
    }
}
