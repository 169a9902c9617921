using BenchmarkDotNet.Running;

namespace RlsEdit.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen with BenchmarkDotNet's command-line switches (e.g. <c>--filter '*Gemm*'</c>), or with
/// <c>cputime …</c> the CPU-time comparison of <see cref="CholeskyCpuTime"/>, or with <c>walltime …</c> the
/// wall-time A/B of <see cref="Level3WallTime"/>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            if (args.Length > 0 && args[0] == "cputime") { CholeskyCpuTime.Run(args[1..]); return 0; }
            if (args.Length > 0 && args[0] == "walltime") { Level3WallTime.Run(args[1..]); return 0; }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IndexOutOfRangeException)
        {
            // A mistyped kind or size: one line and exit code 2, as the rlsedit CLI does, not a stack trace.
            Console.Error.WriteLine($"error: {e.Message} Usage: cputime|walltime KIND REPS [THREADS] SIZE[:U] ...");
            return 2;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
