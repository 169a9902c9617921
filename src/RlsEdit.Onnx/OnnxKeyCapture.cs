using System.Globalization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using RlsEdit.Tensors;

namespace RlsEdit.Onnx;

/// <summary>
/// An ONNX Runtime session on a causal language model whose graph was extended to also return the MLP
/// down-projection inputs (keys) and outputs (values) of chosen layers.
/// </summary>
/// <remarks>
/// The model takes token ids [B, T] (int64) under the name <c>input_ids</c> (or as its only integer input); an
/// <c>attention_mask</c> input gets 1 for real tokens and 0 for padding, and a <c>position_ids</c> input counts real
/// tokens from 0 (padding slots get 0). Its first output must be the logits [B, T, V].
/// </remarks>
public sealed class OnnxKeyCapture : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _idsInput;
    private readonly string? _maskInput;
    private readonly string? _positionInput;
    private readonly string _logitsOutput;
    private readonly string[] _outputNames;
    private readonly string[] _keyNames;

    /// <summary>The captured layers' down-projections.</summary>
    public IReadOnlyList<DownProjection> Projections { get; }
    /// <summary>The device the session runs on.</summary>
    public OnnxDevice Device { get; }

    private OnnxKeyCapture(InferenceSession session, OnnxDevice device, IReadOnlyList<DownProjection> projections,
        string ids, string? mask, string? positions, string logits)
    {
        _session = session; Device = device; Projections = projections;
        _idsInput = ids; _maskInput = mask; _positionInput = positions; _logitsOutput = logits;
        _outputNames = [logits, .. projections.SelectMany(p => new[] { p.KeyName, p.ValueName })];
        _keyNames = projections.Select(p => p.KeyName).ToArray();
    }

    /// <summary>Opens the .onnx file at <paramref name="path"/> capturing <paramref name="layers"/> (all layers when null).</summary>
    public static OnnxKeyCapture Open(string path, IReadOnlyCollection<int>? layers = null, OnnxDevice device = OnnxDevice.Auto, Action<string>? log = null) =>
        Create(OnnxGraph.Load(path), layers, device, log, path);

    /// <summary>A capture session on <paramref name="model"/> (not modified) for <paramref name="layers"/> (all when null).</summary>
    /// <exception cref="OnnxModelException">A layer has no down-projection, the model has no token-id input, or ONNX Runtime rejects it.</exception>
    public static OnnxKeyCapture Create(ModelProto model, IReadOnlyCollection<int>? layers = null, OnnxDevice device = OnnxDevice.Auto,
        Action<string>? log = null, string sourceName = "model")
    {
        ArgumentNullException.ThrowIfNull(model);
        var all = OnnxGraph.FindDownProjections(model, sourceName);
        var chosen = layers is null ? all : layers.Select(l => OnnxGraph.FindDownProjection(model, l, sourceName)).ToArray();
        var graph = model.Graph;
        var initializerNames = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializerNames.Contains(i.Name)).ToArray();
        string? Named(string name) => inputs.FirstOrDefault(i => i.Name == name)?.Name;
        var integerInputs = inputs.Where(i => i.Type?.TensorType?.ElemType == (int)TensorProto.Types.DataType.Int64).ToArray();
        string ids = Named("input_ids") ?? (integerInputs.Length == 1 ? integerInputs[0].Name
            : throw new OnnxModelException(sourceName, "no token-id input", "an int64 input named 'input_ids' (or a single int64 input)",
                $"inputs {string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}"));
        string? mask = Named("attention_mask"), positions = Named("position_ids");
        var unknown = inputs.Select(i => i.Name).Except([ids, mask, positions]).ToArray();
        if (unknown.Length > 0)
            throw new OnnxModelException(sourceName, "unsupported model inputs", "only input_ids, attention_mask and position_ids (no past key/values)", string.Join(", ", unknown));
        if (graph.Output.Count == 0)
            throw new OnnxModelException(sourceName, "no outputs", "logits as the first graph output", "none");
        string logits = graph.Output[0].Name;

        var extended = model.Clone();
        OnnxGraph.ExposeOutputs(extended, chosen.SelectMany(p => new[] { p.KeyName, p.ValueName }));
        string? dataDirectory = null;
        if (graph.Initializer.Any(t => t.DataLocation == TensorProto.Types.DataLocation.External))
            dataDirectory = File.Exists(sourceName) ? Path.GetDirectoryName(Path.GetFullPath(sourceName))
                : throw new OnnxModelException(sourceName, "external data without a folder", "the .onnx file path (OnnxKeyCapture.Open) so external data files can be found", "a model with external initializers given in memory");
        var (session, used) = OnnxSessions.Create(extended.ToByteArray(), device, log, sourceName, dataDirectory);
        return new OnnxKeyCapture(session, used, chosen, ids, mask, positions, logits);
    }

    /// <summary>
    /// The padding side for batches of unequal lengths: <see cref="PaddingSide.Left"/> when the model takes an
    /// <c>attention_mask</c>, else <see cref="PaddingSide.Right"/> (the only side that needs no mask).
    /// </summary>
    public PaddingSide Padding => _maskInput is null ? PaddingSide.Right : PaddingSide.Left;

    /// <summary>Runs <paramref name="batch"/> sequences of <paramref name="length"/> tokens each (<paramref name="ids"/> row-major, no padding).</summary>
    /// <exception cref="ArgumentException"><paramref name="ids"/> does not hold batch·length ids.</exception>
    public OnnxCapturePass Run(ReadOnlySpan<int> ids, int batch, int length)
    {
        if (batch <= 0 || length <= 0 || ids.Length != batch * length)
            throw new ArgumentException($"OnnxKeyCapture.Run: expected {batch}×{length} token ids, got {ids.Length}.", nameof(ids));
        return RunPass(Pad.Equal(ids, batch, length));
    }

    /// <summary>
    /// Runs sequences of unequal lengths as one padded batch (<paramref name="side"/>, default <see cref="Padding"/>;
    /// padding slots hold <paramref name="padId"/>) and returns only the real tokens' rows, sequence after sequence:
    /// the rows an unpadded run of each sequence gives.
    /// </summary>
    /// <exception cref="ArgumentException">An empty batch or sequence, or left padding on a model without an <c>attention_mask</c> input.</exception>
    public OnnxCapturePass RunPadded(IReadOnlyList<int[]> sequences, PaddingSide? side = null, int padId = 0) =>
        RunPass(Padded(sequences, side, padId));

    /// <summary>
    /// Only the keys [B·T, F] by layer: ONNX Runtime then runs just the nodes they depend on (no later layers, no LM head),
    /// which is what statistics need.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ids"/> does not hold batch·length ids.</exception>
    public IReadOnlyDictionary<int, Matrix<float>> RunKeys(ReadOnlySpan<int> ids, int batch, int length)
    {
        if (batch <= 0 || length <= 0 || ids.Length != batch * length)
            throw new ArgumentException($"OnnxKeyCapture.RunKeys: expected {batch}×{length} token ids, got {ids.Length}.", nameof(ids));
        return RunKeys(Pad.Equal(ids, batch, length));
    }

    /// <summary>The keys of the real tokens [ΣTᵢ, F] by layer for sequences of unequal lengths, padded as in <see cref="RunPadded"/>.</summary>
    /// <exception cref="ArgumentException">An empty batch or sequence, or left padding on a model without an <c>attention_mask</c> input.</exception>
    public IReadOnlyDictionary<int, Matrix<float>> RunKeysPadded(IReadOnlyList<int[]> sequences, PaddingSide? side = null, int padId = 0) =>
        RunKeys(Padded(sequences, side, padId));

    private Pad Padded(IReadOnlyList<int[]> sequences, PaddingSide? side, int padId)
    {
        var chosen = side ?? Padding;
        if (chosen == PaddingSide.Left && _maskInput is null)
            throw new ArgumentException("OnnxKeyCapture: left padding needs a model with an 'attention_mask' input; this one has none, so pad on the right.", nameof(side));
        return Pad.Of(sequences, chosen, padId);
    }

    private OnnxCapturePass RunPass(Pad pad) => Execute(pad, _outputNames, outputs =>
    {
        var logits = pad.RealRows(ToRows(outputs[0], pad.Rows, _logitsOutput));
        var keys = new Dictionary<int, Matrix<float>>();
        var vals = new Dictionary<int, Matrix<float>>();
        for (int i = 0; i < Projections.Count; i++)
        {
            keys[Projections[i].Layer] = pad.RealRows(ToRows(outputs[1 + 2 * i], pad.Rows, Projections[i].KeyName));
            vals[Projections[i].Layer] = pad.RealRows(ToRows(outputs[2 + 2 * i], pad.Rows, Projections[i].ValueName));
        }
        return new OnnxCapturePass(logits, keys, vals);
    });

    private IReadOnlyDictionary<int, Matrix<float>> RunKeys(Pad pad) => Execute(pad, _keyNames, outputs =>
        (IReadOnlyDictionary<int, Matrix<float>>)Projections.Select((p, i) => (p.Layer, Keys: pad.RealRows(ToRows(outputs[i], pad.Rows, p.KeyName))))
            .ToDictionary(x => x.Layer, x => x.Keys));

    private T Execute<T>(Pad pad, string[] outputNames, Func<IDisposableReadOnlyCollection<OrtValue>, T> read)
    {
        long[] shape = [pad.Batch, pad.Length];
        var names = new List<string> { _idsInput };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(pad.Ids, shape) };
        try
        {
            if (_maskInput is not null)
            {
                names.Add(_maskInput);
                values.Add(OrtValue.CreateTensorValueFromMemory(pad.Mask, shape));
            }
            if (_positionInput is not null)
            {
                names.Add(_positionInput);
                values.Add(OrtValue.CreateTensorValueFromMemory(pad.Positions(), shape));
            }
            using var runOptions = new RunOptions();
            using var outputs = RunSession(runOptions, names, values, outputNames);
            return read(outputs);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> RunSession(RunOptions options, List<string> names, List<OrtValue> values, string[] outputNames)
    {
        try
        {
            return _session.Run(options, names, values, outputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException("OnnxKeyCapture.Run", "ONNX Runtime failed on the input", "token ids in the model's vocabulary and context", e.Message, e);
        }
    }

    /// <summary>Flattens an output whose leading axes hold the N = B·T rows ([B, T, W] or [B·T, W]) into [N, W].</summary>
    private static Matrix<float> ToRows(OrtValue value, int rows, string name)
    {
        var info = value.GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.Float)
            throw new OnnxModelException(name, "unexpected output type", "float32", info.ElementDataType.ToString());
        long[] shape = info.Shape;
        long count = info.ElementCount;
        if (shape.Length < 2 || count % rows != 0 || count / rows != shape[^1])
            throw new OnnxModelException(name, "unexpected output shape", $"[{rows.ToString(CultureInfo.InvariantCulture)} rows, W] possibly split as [B, T, W]", $"[{string.Join(", ", shape)}]");
        var m = new Matrix<float>(rows, (int)shape[^1]);
        value.GetTensorDataAsSpan<float>().CopyTo(m.Data);
        return m;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
