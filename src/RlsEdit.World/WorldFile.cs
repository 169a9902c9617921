using System.Text.Json;

namespace RlsEdit.World;

/// <summary>
/// <c>world.json</c>: a world's seed, sizes, phrasings and facts, stored beside a model trained on it so that
/// notebooks and other tools can read the facts without the generator.
/// </summary>
public static class WorldFile
{
    /// <summary>The file name inside a model folder.</summary>
    public const string FileName = "world.json";

    /// <summary>Writes <paramref name="world"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, FactWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        AtomicWrite.Bytes(path, s =>
        {
            using var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            w.WriteStartObject();
            w.WriteNumber("seed", world.Seed);
            w.WriteStartObject("relations");
            foreach (var r in Relations.All)
            {
                w.WriteStartObject(r.Id);
                w.WriteString("subject_kind", r.SubjectKind.ToString());
                w.WriteString("object_kind", r.ObjectKind.ToString());
                w.WriteStartArray("training_templates");
                foreach (var t in r.TrainingTemplates) w.WriteStringValue(t);
                w.WriteEndArray();
                w.WriteStartArray("held_out_templates");
                foreach (var t in r.HeldOutTemplates) w.WriteStringValue(t);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartObject("entities");
            foreach (var (kind, names) in world.Entities.OrderBy(e => e.Key))
            {
                w.WriteStartArray(kind.ToString());
                foreach (var n in names) w.WriteStringValue(n);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteStartArray("facts");
            foreach (var f in world.Facts)
            {
                w.WriteStartObject();
                w.WriteString("subject", f.Subject);
                w.WriteString("relation", f.Relation.Id);
                w.WriteString("object", f.Object);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The seed recorded in the world file at <paramref name="path"/>.</summary>
    public static int ReadSeed(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("seed").GetInt32();
    }
}
