using BenchmarkDotNet.Running;

namespace RlsEdit.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen with BenchmarkDotNet's command-line switches (e.g. <c>--filter '*Gemm*'</c>), or with
/// <c>cputime …</c> the CPU-time comparison of <see cref="CholeskyCpuTime"/>.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "cputime") { CholeskyCpuTime.Run(args[1..]); return; }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
