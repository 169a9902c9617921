using BenchmarkDotNet.Running;

namespace RlsEdit.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen with BenchmarkDotNet's command-line switches (e.g. <c>--filter '*Gemm*'</c>), or with
/// <c>cputime …</c> the CPU-time comparison of <see cref="CholeskyCpuTime"/>, or with <c>walltime …</c> the
/// wall-time A/B of <see cref="Level3WallTime"/>.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "cputime") { CholeskyCpuTime.Run(args[1..]); return; }
        if (args.Length > 0 && args[0] == "walltime") { Level3WallTime.Run(args[1..]); return; }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
