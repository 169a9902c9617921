using Spectre.Console;

namespace RlsEdit.Cli;

/// <summary>Turns expected failures (bad input, bad files) into a one-line message and a non-zero exit code, never a stack trace.</summary>
internal static class CliErrors
{
    /// <summary>Exit code for invalid input or arguments.</summary>
    public const int InputError = 2;
    /// <summary>Exit code for a numerical failure (e.g. a matrix that is not positive definite).</summary>
    public const int NumericalError = 3;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException or UnauthorizedAccessException
            or RlsEdit.World.WorldTextException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return InputError;
        }
        catch (ArithmeticException e)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return NumericalError;
        }
    }
}
