using System.CommandLine;
using System.Globalization;
using RlsEdit.Editing;
using RlsEdit.Models;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary><c>rlsedit eval</c>: CounterFact metrics of a model folder on a set of cases, without editing.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder.", Required = true };
        var edits = new Option<string>("--edits") { Description = "CounterFact or MEMIT-shaped ZsRE JSON array of cases.", Required = true };
        var format = new Option<string>("--format") { Description = "Layout of --edits: auto, counterfact or zsre.", DefaultValueFactory = _ => "auto" };
        var zsreTarget = new Option<string>("--zsre-target") { Description = "ZsRE field taken as the new answer: answers (as MEMIT) or alt (as EasyEdit).", DefaultValueFactory = _ => "answers" };
        var output = new Option<string>("--out") { Description = "Folder for results/case_*.json and summary.json.", Required = true };
        var heldOut = new Option<string?>("--held-out") { Description = "Held-out facts and text for general ability." };
        var fluency = new Option<int>("--fluency") { Description = "Cases whose generation prompts are used for fluency.", DefaultValueFactory = _ => 50 };
        var cmd = new Command("eval", "Measure CounterFact metrics (and general ability) of a model without editing it.") { model, edits, output, heldOut, fluency, format, zsreTarget };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var (layout, cases) = EditFiles.Load(r.GetValue(edits)!, EditCommand.ParseFormat(r.GetValue(format)!), EditCommand.ParseZsreTarget(r.GetValue(zsreTarget)!));
            string dir = r.GetValue(model)!, outDir = r.GetValue(output)!;
            var m = ModelFolder.Load<float>(dir);
            var encoder = new PromptEncoder(ModelTokenizer.Load(dir));
            var results = CounterFactEvaluator.Evaluate(m, encoder, cases, r.GetValue(fluency));
            foreach (var c in results) EditJson.Write(Path.Combine(outDir, "results", string.Create(CultureInfo.InvariantCulture, $"case_{c.CaseId}.json")), c);
            var summary = EvaluationSummary.From(results);
            var general = r.GetValue(heldOut) is { } h ? GeneralAbility.Measure(m, encoder, EditCommand.LoadHeldOut(h)) : null;
            EditJson.Write(Path.Combine(outDir, "summary.json"), new Dictionary<string, object?>
            {
                ["metrics"] = summary,
                ["general"] = general,
                ["zsre"] = layout == EditFileFormat.Zsre ? ZsreMetrics.From(summary) : null,
            });
            var table = new Table().AddColumn("metric").AddColumn("value");
            table.AddRow("cases", summary.Cases.ToString(CultureInfo.InvariantCulture));
            table.AddRow("efficacy success", F(summary.RewriteSuccess));
            table.AddRow("paraphrase success", F(summary.ParaphraseSuccess));
            table.AddRow("neighbourhood success", F(summary.NeighborhoodSuccess));
            table.AddRow("score", F(summary.Score));
            table.AddRow("fluency", F(summary.NgramEntropy));
            table.AddRow("held-out fact accuracy", F(general?.FactAccuracy));
            if (layout == EditFileFormat.Zsre)
            {
                var zsre = ZsreMetrics.From(summary);
                table.AddRow("ZsRE rewrite_acc", F(zsre.RewriteAccuracy));
                table.AddRow("ZsRE paraphrase_acc", F(zsre.ParaphraseAccuracy));
                table.AddRow("ZsRE neighborhood_acc", F(zsre.NeighborhoodAccuracy));
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return cmd;
    }

    private static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F1", CultureInfo.InvariantCulture) : "–";
}
