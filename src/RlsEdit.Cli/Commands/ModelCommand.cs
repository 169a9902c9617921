using System.CommandLine;
using System.Globalization;
using RlsEdit.Models;
using RlsEdit.Tensors;
using Spectre.Console;

namespace RlsEdit.Cli.Commands;

/// <summary>
/// <c>rlsedit model</c>: run a Hugging Face model folder with the managed runtime — logits, MLP keys, generation.
/// </summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var cmd = new Command("model", "Run a Hugging Face model folder (GPT-2, Llama, Qwen2) with the managed transformer runtime.");
        cmd.Subcommands.Add(Logits());
        cmd.Subcommands.Add(Keys());
        cmd.Subcommands.Add(Generate());
        return cmd;
    }

    private static Option<string> ModelOption() => new("--model") { Description = "Model folder (config.json + safetensors).", Required = true };
    private static Option<string> TokenIdsOption(bool required) => new("--token-ids") { Description = "Comma-separated token ids, e.g. 5,17,3.", Required = required };
    private static Option<string> OutOption() => new("--out") { Description = "Output .npy file (float32).", Required = true };

    private static Command Logits()
    {
        var model = ModelOption();
        var ids = TokenIdsOption(required: true);
        var output = OutOption();
        var cmd = new Command("logits", "Write the next-token logits of every position, float32 [T, vocab], to a .npy file.") { model, ids, output };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            var m = ModelFolder.Load<float>(r.GetValue(model)!);
            var tokens = ParseIds(r.GetValue(ids)!);
            var pass = m.Forward(TokenBatch.Single(tokens));
            Npy.Write(r.GetValue(output)!, NpyArray.FromMatrix(pass.Logits.View));
            AnsiConsole.MarkupLine($"wrote logits [[{tokens.Length}, {m.Config.VocabSize}]] to {Markup.Escape(r.GetValue(output)!)}");
            return 0;
        }));
        return cmd;
    }

    private static Command Keys()
    {
        var model = new Option<string>("--model") { Description = "Model folder (config.json + safetensors) or .onnx file (run with ONNX Runtime).", Required = true };
        var layer = new Option<int>("--layer") { Description = "Layer whose MLP down-projection input is read.", Required = true };
        var ids = TokenIdsOption(required: true);
        var output = OutOption();
        var cmd = new Command("keys", "Write the MLP keys (down-projection input) of one layer, float32 [T, d_k], to a .npy file.") { model, layer, ids, output };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            int l = r.GetValue(layer);
            if (OnnxCommand.IsOnnxPath(r.GetValue(model)!))
            {
                var onnxKeys = OnnxCommand.Keys(r.GetValue(model)!, l, ParseIds(r.GetValue(ids)!));
                Npy.Write(r.GetValue(output)!, NpyArray.FromMatrix(onnxKeys.View));
                AnsiConsole.MarkupLine($"wrote layer-{l} keys [[{onnxKeys.Rows}, {onnxKeys.Cols}]] to {Markup.Escape(r.GetValue(output)!)}");
                return 0;
            }
            var m = ModelFolder.Load<float>(r.GetValue(model)!);
            if ((uint)l >= (uint)m.Config.LayerCount)
                throw new ArgumentException($"model keys: --layer must be in [0, {m.Config.LayerCount}), got {l}.");
            var tokens = ParseIds(r.GetValue(ids)!);
            var keys = m.Forward(TokenBatch.Single(tokens)).MlpKeys(l);
            Npy.Write(r.GetValue(output)!, NpyArray.FromMatrix(keys));
            AnsiConsole.MarkupLine($"wrote layer-{l} keys [[{keys.Rows}, {keys.Cols}]] to {Markup.Escape(r.GetValue(output)!)}");
            return 0;
        }));
        return cmd;
    }

    private static Command Generate()
    {
        var model = ModelOption();
        var prompt = new Option<string>("--prompt") { Description = "Prompt text (needs tokenizer files in the folder, or a GPT-2-vocabulary model)." };
        var ids = TokenIdsOption(required: false);
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Tokens to generate.", DefaultValueFactory = _ => 20 };
        var temperature = new Option<double>("--temperature") { Description = "0 for greedy decoding, else the sampling temperature.", DefaultValueFactory = _ => 0 };
        var topK = new Option<int>("--top-k") { Description = "Sample among the k most likely tokens (0: all).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var cmd = new Command("generate", "Continue a prompt (greedy or seeded sampling, with a KV cache).") { model, prompt, ids, maxNew, temperature, topK, seed };
        cmd.SetAction(r => CliErrors.Run(() =>
        {
            string dir = r.GetValue(model)!;
            var m = ModelFolder.Load<float>(dir);
            string? text = r.GetValue(prompt);
            string? idText = r.GetValue(ids);
            if ((text is null) == (idText is null))
                throw new ArgumentException("model generate: give exactly one of --prompt and --token-ids.");
            Microsoft.ML.Tokenizers.Tokenizer? tokenizer = text is not null || HasTokenizer(dir) ? TokenizerFor(dir, m.Config) : null;
            int[] tokens = text is not null ? tokenizer!.EncodeToIds(text).ToArray() : ParseIds(idText!);
            var options = new GenerationOptions(r.GetValue(maxNew), r.GetValue(temperature), r.GetValue(topK), r.GetValue(seed), m.Config.EosTokenId);
            var generated = Generation.Generate(m, tokens, options);
            // Plain stdout, not console markup: the text and ids are meant to be piped.
            if (tokenizer is not null)
                Console.Out.WriteLine(tokenizer.Decode(tokens.Concat(generated)));
            Console.Out.WriteLine($"new token ids: {string.Join(",", generated)}");
            return 0;
        }));
        return cmd;
    }

    private static bool HasTokenizer(string dir) =>
        File.Exists(Path.Combine(dir, "tokenizer.json")) || File.Exists(Path.Combine(dir, "vocab.json"));

    private static Microsoft.ML.Tokenizers.Tokenizer TokenizerFor(string dir, ModelConfig config)
    {
        if (HasTokenizer(dir)) return ModelTokenizer.Load(dir);
        // GPT-2 checkpoints often ship without tokenizer files; the GPT-2 encoding is embedded.
        if (config.Architecture == ModelArchitecture.Gpt2 && config.VocabSize >= 50257) return ModelTokenizer.Gpt2();
        throw new ArgumentException($"model generate: '{dir}' has no tokenizer.json or vocab.json + merges.txt; pass --token-ids instead of --prompt.");
    }

    private static int[] ParseIds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            throw new ArgumentException("--token-ids: expected comma-separated integers such as 5,17,3, got an empty list.");
        return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new ArgumentException($"--token-ids: '{p}' is not an integer token id.")).ToArray();
    }
}
