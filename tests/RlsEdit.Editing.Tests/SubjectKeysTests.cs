using RlsEdit.Models;
using Xunit;

namespace RlsEdit.Editing.Tests;

[Collection(TinyWorldCollection.Name)]
public sealed class SubjectKeysTests(TinyWorldModel tiny)
{
    [Fact]
    public void SubjectKeysAreTheKeysTheFirstEditedLayerReceives()
    {
        var model = ModelFolder.Load<float>(tiny.ModelDirectory);
        var encoder = new PromptEncoder(ModelTokenizer.Load(tiny.ModelDirectory));
        var hp = TinyWorldModel.HyperParameters;
        var moments = LayerStatistics.SecondMoments(model, encoder, hp.Layers, tiny.CorpusTexts, cacheDirectory: null);
        var templates = ContextTemplates.LoadOrGenerate(model, encoder, cachePath: null);
        var editor = new ModelEditor(model, encoder, templates, hp, EditorKind.RlsEdit, moments);
        var cases = tiny.Cases.Take(3).ToList();

        var measured = ModelEditor.SubjectKeys(model, encoder, templates, hp.FactToken, cases, hp.Layers[0]);
        var written = editor.Apply(cases).Layers[0];
        Assert.Equal(hp.Layers[0], written.Layer);
        Assert.Equal(written.Keys.Data, measured.Data);
        Assert.Throws<EditInputException>(() => ModelEditor.SubjectKeys(model, encoder, templates, hp.FactToken, cases, model.Config.LayerCount));
    }
}
