using System.Text.Json;

namespace RlsEdit.Models.Tests;

/// <summary>A golden model folder written by tools/golden/make_model_fixtures.py and its float64 PyTorch reference outputs.</summary>
internal sealed class Fixture
{
    public required string Directory { get; init; }
    public required int[] TokenIds { get; init; }
    public required int Vocab { get; init; }
    public required double[] Logits { get; init; }
    public required double[][] MlpKeys { get; init; }
    public required double[][] MlpValues { get; init; }
    public required double[][] Residuals { get; init; }

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static Fixture Load(string name)
    {
        string dir = PathOf(name);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "expected.json")));
        var root = doc.RootElement;
        double[] Flat(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        return new Fixture
        {
            Directory = dir,
            TokenIds = root.GetProperty("token_ids").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
            Vocab = root.GetProperty("logits_shape")[1].GetInt32(),
            Logits = Flat(root.GetProperty("logits")),
            MlpKeys = root.GetProperty("mlp_keys").EnumerateArray().Select(Flat).ToArray(),
            MlpValues = root.GetProperty("mlp_values").EnumerateArray().Select(Flat).ToArray(),
            Residuals = root.GetProperty("residuals").EnumerateArray().Select(Flat).ToArray(),
        };
    }

    /// <summary>This test process's scratch folder, named by process id.</summary>
    private static readonly string TempRoot = CreateTempRoot();

    private static string CreateTempRoot()
    {
        string parent = Path.Combine(Path.GetTempPath(), "rlsedit-models-tests");
        System.IO.Directory.CreateDirectory(parent);
        // The test host is torn down without running exit handlers, so each run removes the folders of earlier,
        // finished runs instead.
        foreach (var stale in System.IO.Directory.GetDirectories(parent))
        {
            if (!int.TryParse(Path.GetFileName(stale), out int pid) || IsRunning(pid)) continue;
            try { System.IO.Directory.Delete(stale, recursive: true); }
            catch (IOException) { /* another run is cleaning it up */ }
        }
        string root = Path.Combine(parent, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(root);
        return root;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A fresh path (not created) under the scratch folder.</summary>
    public static string TempPath(string prefix, string extension = "") => Path.Combine(TempRoot, $"{prefix}-{Guid.NewGuid():N}{extension}");

    /// <summary>A fresh, empty scratch directory.</summary>
    public static string TempDirectory(string prefix)
    {
        string dir = TempPath(prefix);
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A fresh copy of the folder in a temporary directory (for tests that edit or corrupt files).</summary>
    public static string CopyToTemp(string name)
    {
        string target = TempDirectory(name);
        foreach (var f in System.IO.Directory.GetFiles(PathOf(name)))
            File.Copy(f, Path.Combine(target, Path.GetFileName(f)));
        return target;
    }

    public static readonly string[] Names = ["gpt2-tiny", "gpt2-untied-f16", "llama-tiny", "qwen2-tiny", "llama3-rope-scaled", "llama-rope-linear"];
}
