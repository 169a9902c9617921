using System.CommandLine;
using RlsEdit.Models;
using RlsEdit.Onnx;
using RlsEdit.Tensors;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary><c>rlsedit onnx</c>: export model folders to ONNX, list the MLP down-projections of an .onnx file, write weight edits back.</summary>
internal static class OnnxCommand
{
    public static Command Create()
    {
        var cmd = new Command("onnx", "ONNX models: export a model folder, inspect the MLP down-projections, write an edit back.");
        cmd.Subcommands.Add(Export());
        cmd.Subcommands.Add(Inspect());
        cmd.Subcommands.Add(ApplyDelta());
        return cmd;
    }

    /// <summary>Whether <paramref name="path"/> names an ONNX file rather than a model folder.</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && File.Exists(path);

    public static Option<OnnxDevice> DeviceOption() => new("--device")
    {
        Description = "auto (CUDA when available, else CPU), cpu or cuda.",
        DefaultValueFactory = _ => OnnxDevice.Auto,
    };

    /// <summary>Layer <paramref name="layer"/>'s MLP keys [T, F] for one sequence, through ONNX Runtime on the CPU.</summary>
    public static Matrix<float> Keys(string path, int layer, int[] tokens)
    {
        using var capture = OnnxKeyCapture.Open(path, [layer], OnnxDevice.Cpu);
        return capture.Run(tokens, 1, tokens.Length).Keys[layer];
    }

    private static Command Export()
    {
        var model = new Option<string>("--model") { Description = "GPT-2, Llama, Qwen2 or Mistral model folder (config.json + safetensors).", Required = true };
        var output = new Option<string>("--out") { Description = "Output .onnx file.", Required = true };
        var external = new Option<bool>("--external-data") { Description = "Write the weights to '<out>.data' beside the graph (automatic above 1 GiB of weights)." };
        var cmd = new Command("export", "Export a GPT-2 or Llama-family model folder to ONNX (standard opset-17 operators, dynamic batch and sequence, attention_mask input).") { model, output, external };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            OnnxExporter.Export(r.GetValue(model)!, r.GetValue(output)!, r.GetValue(external) ? true : null);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(r.GetValue(output)!)}");
            return 0;
        }));
        return cmd;
    }

    private static Command Inspect()
    {
        var model = new Option<string>("--model") { Description = ".onnx file.", Required = true };
        var cmd = new Command("inspect", "List each layer's MLP down-projection: node, key and value tensors, weight initializer and layout.") { model };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            string path = r.GetValue(model)!;
            var table = new Table().AddColumns("layer", "node", "key", "value", "weight", "layout", "F×D");
            foreach (var p in OnnxGraph.FindDownProjections(OnnxGraph.Load(path), path))
                table.AddRow(p.Layer.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(p.NodeName), Markup.Escape(p.KeyName),
                    Markup.Escape(p.ValueName), Markup.Escape(p.WeightName), p.Layout.ToString(), $"{p.InFeatures}×{p.OutFeatures}");
            AnsiConsole.Write(table);
            return 0;
        }));
        return cmd;
    }

    private static Command ApplyDelta()
    {
        var model = new Option<string>("--model") { Description = "Input .onnx file.", Required = true };
        var layer = new Option<int>("--layer") { Description = "Layer whose down-projection weight changes.", Required = true };
        var delta = new Option<string>("--delta") { Description = ".npy with ΔW, F×D (keys·W = values) or D×F with --hf-layout.", Required = true };
        var hf = new Option<bool>("--hf-layout") { Description = "ΔW is in Hugging Face nn.Linear layout (out×in, D×F)." };
        var output = new Option<string>("--out") { Description = "Output .onnx file (written atomically).", Required = true };
        var cmd = new Command("apply-delta", "Add ΔW to one layer's MLP down-projection initializer and save a new .onnx.") { model, layer, delta, hf, output };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var d = Npy.Read(r.GetValue(delta)!).ToMatrix<double>();
            OnnxWriteBack.ApplyDelta(r.GetValue(model)!, r.GetValue(output)!, r.GetValue(layer), r.GetValue(hf) ? d.View.Transposed : d.View);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(r.GetValue(output)!)}");
            return 0;
        }));
        return cmd;
    }
}
