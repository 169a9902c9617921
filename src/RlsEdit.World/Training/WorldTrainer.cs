using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using RlsEdit.Models;
using RlsEdit.Models.Safetensors;

namespace RlsEdit.World.Training;

/// <summary>
/// Trains a GPT-2 from scratch on a world's corpus with the managed runtime's backward pass and AdamW, and
/// writes a Hugging Face model folder (config.json, model.safetensors, tokenizer.json). Everything derives from
/// <see cref="TrainingOptions.Seed"/>: the world, the corpus (document i of step s is fixed), the initial weights.
/// A checkpoint (weights, moments, step) lets an interrupted run continue to the same result.
/// </summary>
public sealed class WorldTrainer
{
    /// <summary>Subfolder of the output folder holding the checkpoint.</summary>
    public const string CheckpointFolder = "checkpoint";

    private readonly TrainingOptions _options;

    /// <summary>The world trained on.</summary>
    public FactWorld World { get; }
    /// <summary>Its tokenizer.</summary>
    public WorldTokenizer Tokenizer { get; }
    /// <summary>The model being trained.</summary>
    public TransformerModel<float> Model { get; private set; }
    /// <summary>The GPT-2 config of the model.</summary>
    public ModelConfig Config { get; }

    private readonly WorldCorpus _corpus;

    /// <summary>A trainer with freshly initialised weights.</summary>
    public WorldTrainer(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        World = FactWorld.Generate(options.Seed, options.World);
        Tokenizer = WorldTokenizer.Build(World);
        _corpus = new WorldCorpus(World, options.Seed);
        Config = ModelConfig.Parse("(world config)", ConfigJson().RootElement);
        Model = options.InitialModel is null ? TransformerModel<float>.CreateRandom(Config, options.Seed) : LoadInitial(options.InitialModel);
    }

    private TransformerModel<float> LoadInitial(string directory)
    {
        var model = ModelFolder.Load<float>(directory);
        if (model.Config != Config)
            throw new ArgumentException($"WorldTrainer: the initial model in '{directory}' has another architecture or vocabulary ({model.Config}) than this run ({Config}).");
        if (WorldFile.ReadSeed(Path.Combine(directory, WorldFile.FileName)) != _options.Seed)
            throw new ArgumentException($"WorldTrainer: the initial model in '{directory}' was trained on another world's seed than {_options.Seed}.");
        return model;
    }

    /// <summary>The Hugging Face GPT-2 config.json of this run's model.</summary>
    public JsonDocument ConfigJson()
    {
        var config = new JsonObject
        {
            ["model_type"] = "gpt2",
            ["architectures"] = new JsonArray("GPT2LMHeadModel"),
            ["vocab_size"] = Tokenizer.VocabSize,
            ["n_embd"] = _options.Width,
            ["n_layer"] = _options.Layers,
            ["n_head"] = _options.Heads,
            ["n_positions"] = _options.Context,
            ["n_ctx"] = _options.Context,
            ["activation_function"] = "gelu_new",
            ["layer_norm_epsilon"] = 1e-5,
            ["tie_word_embeddings"] = true,
            ["bos_token_id"] = 0,
            ["eos_token_id"] = 0,
            ["resid_pdrop"] = 0.0,
            ["embd_pdrop"] = 0.0,
            ["attn_pdrop"] = 0.0,
        };
        // Written only when it differs from GPT-2's 4 × width, so default runs keep their config.json byte for byte.
        if (_options.MlpWidth is { } mlp && mlp != 4 * _options.Width) config["n_inner"] = mlp;
        return JsonDocument.Parse(config.ToJsonString());
    }

    /// <summary>The token ids of training document <paramref name="index"/>, cut to the context.</summary>
    public int[] DocumentTokens(long index)
    {
        var ids = Tokenizer.Encode(_corpus.Document(index));
        return ids.Length <= _options.Context ? ids : ids[.._options.Context];
    }

    /// <summary>
    /// Runs the remaining steps, resuming from <paramref name="outputDirectory"/>/checkpoint when it holds a
    /// checkpoint of the same options, and writes the model folder into <paramref name="outputDirectory"/>.
    /// </summary>
    public TrainingResult Train(string outputDirectory, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        Directory.CreateDirectory(outputDirectory);
        string checkpoint = Path.Combine(outputDirectory, CheckpointFolder);
        var optimizer = new AdamW(Model.Parameters) { WeightDecay = _options.WeightDecay };
        int start = TryResume(checkpoint, optimizer);
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        double firstLoss = double.NaN;
        var recent = new Queue<double>();
        int step = start;
        for (; step < _options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            double loss = TrainStep(step, optimizer, out int stepTokens);
            tokens += stepTokens;
            if (double.IsNaN(firstLoss)) firstLoss = loss;
            recent.Enqueue(loss);
            if (recent.Count > 20) recent.Dequeue();
            bool save = _options.CheckpointEvery > 0 && (step + 1) % _options.CheckpointEvery == 0 && step + 1 < _options.Steps;
            if (save) SaveCheckpoint(checkpoint, optimizer, step + 1);
            progress?.Report(new TrainingProgress(step + 1, _options.Steps, loss, _options.LearningRateAt(step), tokens / clock.Elapsed.TotalSeconds, save));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        SaveModelFolder(outputDirectory);
        if (Directory.Exists(checkpoint)) Directory.Delete(checkpoint, recursive: true);
        return new TrainingResult(step, start, firstLoss, recent.Count > 0 ? recent.Average() : double.NaN, seconds, seconds > 0 ? tokens / seconds : 0);
    }

    /// <summary>
    /// Documents per forward/backward pass. A step's documents are sorted by length and run in passes of this
    /// many, each left-padded only to its own longest document: documents vary from 4 to ~40 tokens, and one
    /// pass over the whole batch spent about half of its rows (and time) on padding.
    /// </summary>
    public const int DocumentsPerPass = 8;

    /// <summary>One optimizer step on the batch of step <paramref name="step"/>; returns its mean loss.</summary>
    public double TrainStep(int step, AdamW optimizer, out int targetTokens)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var documents = Enumerable.Range(0, _options.BatchSize).Select(b => DocumentTokens((long)step * _options.BatchSize + b)).ToArray();
        var byLength = Enumerable.Range(0, documents.Length).OrderBy(i => documents[i].Length).ThenBy(i => i).ToArray();
        targetTokens = documents.Sum(d => d.Length - 1);
        Model.ZeroGradients();
        double loss = 0;
        for (int first = 0; first < byLength.Length; first += DocumentsPerPass)
        {
            var sequences = byLength.Skip(first).Take(DocumentsPerPass).Select(i => (IReadOnlyList<int>)documents[i]).ToList();
            var batch = TokenBatch.LeftPadded(sequences, 0);
            var targets = new List<(int Row, int Token)>();
            for (int b = 0; b < batch.BatchSize; b++)
                for (int t = batch.PadCounts[b]; t < batch.Length - 1; t++)
                    targets.Add((batch.Row(b, t), batch.Ids[batch.Row(b, t + 1)]));
            if (targets.Count == 0) continue;
            // Normalised by the whole step's count, so the passes' gradients add up to the mean over the batch.
            var pass = Model.Forward(batch);
            loss += Model.Backward(pass, new TokenLoss<float>(targets, targetNormalizer: targetTokens), BackwardScope.AllParameters).Loss;
        }
        double norm = optimizer.GradientNorm();
        optimizer.Update(_options.LearningRateAt(step), norm > _options.ClipNorm ? _options.ClipNorm / norm : 1);
        return loss;
    }

    /// <summary>Writes config.json, model.safetensors, tokenizer.json and world.json into <paramref name="directory"/>.</summary>
    public void SaveModelFolder(string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicWrite.Bytes(Path.Combine(directory, "config.json"), s =>
        {
            using var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
            ConfigJson().WriteTo(w);
        });
        SaveWeights(Path.Combine(directory, ModelFolder.SingleFile), null);
        Tokenizer.Save(Path.Combine(directory, "tokenizer.json"));
        WorldFile.Write(Path.Combine(directory, WorldFile.FileName), World);
    }

    private void SaveWeights(string path, AdamW? moments)
    {
        var entries = new List<SafetensorsEntry>();
        var parameters = Model.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            entries.Add(SafetensorsEntry.FromFloats(p.Name, SafetensorsDType.F32, p.Shape, p.Value.Data));
            if (moments is null) continue;
            entries.Add(SafetensorsEntry.FromFloats("adam_m." + p.Name, SafetensorsDType.F32, p.Shape, moments.FirstMoments[i].ToArray()));
            entries.Add(SafetensorsEntry.FromFloats("adam_v." + p.Name, SafetensorsDType.F32, p.Shape, moments.SecondMoments[i].ToArray()));
        }
        SafetensorsWriter.Write(path, entries, new Dictionary<string, string> { ["format"] = "pt" });
    }

    private string OptionsKey() => JsonSerializer.Serialize(_options with { Steps = 0, CheckpointEvery = 0 });

    private void SaveCheckpoint(string directory, AdamW optimizer, int step)
    {
        Directory.CreateDirectory(directory);
        SaveWeights(Path.Combine(directory, "state.safetensors"), optimizer);
        // The step file goes last: a checkpoint counts only once its weights are complete.
        AtomicWrite.Text(Path.Combine(directory, "step.json"), w => w.Write(new JsonObject
        {
            ["step"] = step,
            ["adam_step"] = optimizer.Step,
            ["options"] = OptionsKey(),
        }.ToJsonString()));
    }

    private int TryResume(string directory, AdamW optimizer)
    {
        string stepPath = Path.Combine(directory, "step.json");
        if (!File.Exists(stepPath)) return 0;
        var state = JsonNode.Parse(File.ReadAllText(stepPath))!;
        if (state["options"]?.GetValue<string>() != OptionsKey())
            throw new InvalidOperationException($"WorldTrainer: the checkpoint in '{directory}' was made with other options; delete it or use the same options.");
        using var file = SafetensorsFile.Open(Path.Combine(directory, "state.safetensors"));
        var parameters = Model.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            file.ReadInto(parameters[i].Name, parameters[i].Value.Data);
            file.ReadInto("adam_m." + parameters[i].Name, optimizer.FirstMoments[i]);
            file.ReadInto("adam_v." + parameters[i].Name, optimizer.SecondMoments[i]);
        }
        optimizer.Step = state["adam_step"]!.GetValue<int>();
        return state["step"]!.GetValue<int>();
    }
}
