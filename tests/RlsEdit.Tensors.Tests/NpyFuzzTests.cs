using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace RlsEdit.Tensors.Tests;

/// <summary>Corrupted images must either read or fail with <see cref="NpyFormatException"/> — never another exception.</summary>
public class NpyFuzzTests
{
    private static readonly byte[][] Seeds =
    [
        File.ReadAllBytes(NpyTestData.Fixture("f8_c_2x3.npy")),
        File.ReadAllBytes(NpyTestData.Fixture("f4_f_2x3x4.npy")),
        File.ReadAllBytes(NpyTestData.Fixture("i8_1d_5.npy")),
        File.ReadAllBytes(NpyTestData.Fixture("f8_c_2x3_v3.npy")),
        File.ReadAllBytes(NpyTestData.Fixture("f8_0d.npy")),
    ];

    [Property(MaxTest = 300)]
    public Property Corrupted_images_fail_only_with_the_typed_error(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        byte[] bytes = (byte[])Seeds[random.Next(Seeds.Length)].Clone();
        switch (random.Next(3))
        {
            case 0: // flip a few bytes, biased towards the header
                for (int i = random.Next(1, 4); i > 0; i--)
                    bytes[random.Next(Math.Min(bytes.Length, random.Next(2) == 0 ? 128 : bytes.Length))] = (byte)random.Next(256);
                break;
            case 1: // truncate
                Array.Resize(ref bytes, random.Next(bytes.Length));
                break;
            default: // overwrite one header character with a printable one
                bytes[10 + random.Next(Math.Min(100, bytes.Length - 10))] = (byte)"(){}[]',: 0123456789-LTrueFalse<>|fi"[random.Next(36)];
                break;
        }
        string outcome = Outcome(() => Npy.Read(new MemoryStream(bytes), "fuzz"))
            + "/" + Outcome(() => Npy.Read(new NpyTestData.ForwardOnlyStream(bytes), "fuzz"));
        return (!outcome.Contains("unexpected", StringComparison.Ordinal)).Label(outcome);
    }

    private static readonly byte[][] Archives =
    [
        File.ReadAllBytes(NpyTestData.Fixture("stored.npz")),
        File.ReadAllBytes(NpyTestData.Fixture("deflated.npz")),
    ];

    [Property(MaxTest = 300)]
    public Property Corrupted_archives_fail_only_with_the_typed_error(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        byte[] bytes = (byte[])Archives[random.Next(Archives.Length)].Clone();
        if (random.Next(4) == 0) Array.Resize(ref bytes, random.Next(bytes.Length));
        else
            for (int i = random.Next(1, 4); i > 0; i--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        string outcome = Outcome(() => Npz.Read(new MemoryStream(bytes), "fuzz.npz").Values.First());
        return (!outcome.Contains("unexpected", StringComparison.Ordinal)).Label(outcome);
    }

    private static string Outcome(Func<NpyArray> read)
    {
        try
        {
            read();
            return "read";
        }
        catch (NpyFormatException)
        {
            return "rejected";
        }
        catch (Exception e)
        {
            return $"unexpected {e.GetType().Name}: {e.Message}";
        }
    }
}
