using System.CommandLine;
using System.Globalization;
using RlsEdit.Editing;
using RlsEdit.Models;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit key-geometry</c>: how separable the edit keys of a set of cases are at chosen layers, in the metric
/// E[kkᵀ]⁻¹ that MEMIT-style editors use (see <see cref="KeyGeometry"/>). A diagnostic for choosing edit layers and
/// for judging whether a model stores its facts where key/value editing can reach them.
/// </summary>
internal static class KeyGeometryCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (config.json, safetensors, tokenizer).", Required = true };
        var edits = new Option<string>("--edits") { Description = "CounterFact JSON: the subjects of its cases are measured (one key per distinct subject).", Required = true };
        var layers = new Option<string?>("--layers") { Description = "Comma-separated layers (default: every layer an edit may use, i.e. all but the last)." };
        var hparams = new Option<string?>("--hparams") { Description = "Hyper-parameters for fact_token and mom2_n_samples (default: the model folder's rlsedit-hparams.json)." };
        var statsText = new Option<string?>("--stats-text") { Description = "Text file (one text per line) for E[kkᵀ]; world models generate their corpus." };
        var count = new Option<int?>("--count") { Description = "Use only the first N cases of --edits." };
        var cmd = new Command("key-geometry", "How much an edit of one subject's key leaks onto the others' at each layer (whitened key Gram matrix).")
        {
            model, edits, layers, hparams, statsText, count,
        };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            string dir = r.GetValue(model)!;
            var config = ModelFolder.LoadConfig(dir);
            var chosen = r.GetValue(layers) is { } text
                ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t =>
                    int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int l) ? l : throw new EditInputException("--layers", "comma-separated integers", $"'{text}'")).ToList()
                : Enumerable.Range(0, Math.Max(1, config.LayerCount - 1)).ToList();
            var hp = EditHyperParameters.Load(EditHyperParameters.ResolvePath(r.GetValue(hparams), dir), out _) with { Layers = chosen };
            hp.ValidateFor(config.LayerCount);
            var cases = EditCommand.FirstCases(EditFiles.Load(r.GetValue(edits)!, EditFileFormat.Auto, ZsreTarget.Answer).Cases, r.GetValue(count));
            var bySubject = cases.GroupBy(c => c.RequestedRewrite.Subject, StringComparer.Ordinal).Select(g => g.First()).ToList();
            if (bySubject.Count < 2) throw new EditInputException("--edits", "cases with at least two different subjects", $"{bySubject.Count}");

            var loaded = ModelFolder.Load<float>(dir);
            var encoder = new PromptEncoder(ModelTokenizer.Load(dir));
            var texts = StatisticsCorpus.Load(dir, r.GetValue(statsText), hp.Mom2NSamples);
            var moments = LayerStatistics.SecondMoments(loaded, encoder, chosen, texts.ToList(), cacheDirectory: null);
            var templates = ContextTemplates.LoadOrGenerate(loaded, encoder, cachePath: null);

            var table = new Table().AddColumns("layer", "subjects", "d_k", "mean kᵀE⁻¹k", "shared part", "subject-specific kᵀE⁻¹k",
                "rms cosine between subjects", "effective dimension", "1/√d_k");
            foreach (int layer in chosen)
            {
                var g = KeyGeometry.Measure(layer, ModelEditor.SubjectKeys(loaded, encoder, templates, hp.FactToken, bySubject, layer).View, moments[layer].View);
                table.AddRow(F(g.Layer), F(g.Keys), F(g.KeyDimension), F(g.WhitenedNormSquared, "F1"), F(g.SharedFraction, "P0"),
                    F(g.CenteredNormSquared, "F1"), F(g.CenteredCosineRms, "F3"), F(g.CenteredEffectiveDimension, "F1"), F(1 / Math.Sqrt(g.KeyDimension), "F3"));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine("Subject-specific = centred on the mean key. A cosine near 1/√d_k and an effective dimension near the number of " +
                "subjects mean edits can address subjects separately; large cosines mean an edit of one subject moves the others.");
            return 0;
        }));
        return cmd;
    }

    private static string F(int value) => value.ToString(CultureInfo.InvariantCulture);
    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
