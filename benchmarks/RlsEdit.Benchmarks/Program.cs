using BenchmarkDotNet.Running;

namespace RlsEdit.Benchmarks;

/// <summary>Runs the benchmarks chosen with BenchmarkDotNet's command-line switches (e.g. <c>--filter '*Gemm*'</c>).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
