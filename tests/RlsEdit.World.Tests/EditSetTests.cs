using System.Text.Json;
using RlsEdit.World;
using Xunit;

namespace RlsEdit.World.Tests;

public class EditSetTests
{
    private static readonly FactWorld World = FactWorld.Generate(4);

    [Fact]
    public void WrittenFileHasTheCounterFactFieldSet()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edits-{Guid.NewGuid():N}.json");
        try
        {
            EditSetGenerator.WriteJson(path, EditSetGenerator.Generate(World, 40, 3));
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            Assert.Equal(40, doc.RootElement.GetArrayLength());
            foreach (var record in doc.RootElement.EnumerateArray())
            {
                Assert.Equal(JsonValueKind.Number, record.GetProperty("case_id").ValueKind);
                var rewrite = record.GetProperty("requested_rewrite");
                Assert.Contains("{}", rewrite.GetProperty("prompt").GetString());
                Assert.False(string.IsNullOrEmpty(rewrite.GetProperty("subject").GetString()));
                Assert.False(string.IsNullOrEmpty(rewrite.GetProperty("target_new").GetProperty("str").GetString()));
                Assert.False(string.IsNullOrEmpty(rewrite.GetProperty("target_true").GetProperty("str").GetString()));
                foreach (var list in new[] { "paraphrase_prompts", "neighborhood_prompts", "generation_prompts" })
                {
                    Assert.Equal(JsonValueKind.Array, record.GetProperty(list).ValueKind);
                    Assert.True(record.GetProperty(list).GetArrayLength() > 0, list);
                    foreach (var p in record.GetProperty(list).EnumerateArray()) Assert.False(string.IsNullOrWhiteSpace(p.GetString()));
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TargetsAreValidAndPromptsAreConsistentWithTheWorld()
    {
        var records = EditSetGenerator.Generate(World, 3000, 5);
        Assert.Equal(Enumerable.Range(0, 3000), records.Select(r => r.CaseId));
        foreach (var r in records)
        {
            var rw = r.RequestedRewrite;
            var relation = Relations.All.Single(x => x.Id == rw.RelationId);
            Assert.Equal(World.Find(rw.Subject, relation)!.Object, rw.TargetTrue.Str);
            Assert.NotEqual(rw.TargetTrue.Str, rw.TargetNew.Str);
            Assert.Contains(rw.TargetNew.Str, World.ObjectsOf(relation));
            Assert.Contains(rw.Prompt, relation.TrainingTemplates);
            Assert.Equal(relation.HeldOutTemplates.Select(t => Relation.Fill(t, rw.Subject)), r.ParaphrasePrompts);
            Assert.InRange(r.NeighborhoodPrompts.Count, 1, EditSetGenerator.MaxNeighbours);
            // Neighbours share the true object, so an edit must leave their answer as target_true.
            var neighbours = World.Facts.Where(f => f.Relation == relation && f.Object == rw.TargetTrue.Str && f.Subject != rw.Subject)
                .Select(f => Relation.Fill(rw.Prompt, f.Subject)).ToHashSet();
            Assert.All(r.NeighborhoodPrompts, p => Assert.Contains(p, neighbours));
            Assert.All(r.GenerationPrompts, p => Assert.Contains(rw.Subject, p));
        }
        // Without replacement until the editable facts run out.
        int editable = EditSetGenerator.EditableFacts(World).Count;
        Assert.Equal(editable, records.Take(editable).Select(r => (r.RequestedRewrite.Subject, r.RequestedRewrite.RelationId)).Distinct().Count());
    }

    [Fact]
    public void DifferentSeedsGiveDifferentEditSetsAndEqualSeedsTheSame()
    {
        string Key(IReadOnlyList<CounterFactRecord> rs) => JsonSerializer.Serialize(rs);
        Assert.Equal(Key(EditSetGenerator.Generate(World, 100, 1)), Key(EditSetGenerator.Generate(World, 100, 1)));
        Assert.NotEqual(Key(EditSetGenerator.Generate(World, 100, 1)), Key(EditSetGenerator.Generate(World, 100, 2)));
    }

    [Fact]
    public void HeldOutFactsAvoidEditedSubjects()
    {
        var records = EditSetGenerator.Generate(World, 200, 1);
        var heldOut = EditSetGenerator.HeldOut(World, records, 1);
        var edited = records.Select(r => r.RequestedRewrite.Subject).ToHashSet();
        Assert.NotEmpty(heldOut.Facts);
        Assert.NotEmpty(heldOut.Text);
        foreach (var f in heldOut.Facts)
        {
            Assert.DoesNotContain(f.Subject, edited);
            Assert.Equal(World.Find(f.Subject, Relations.All.Single(r => r.Id == f.RelationId))!.Object, f.Target);
        }
    }
}
