namespace RlsEdit.World;

/// <summary>How many entities of each kind a generated world has.</summary>
public sealed record WorldOptions
{
    /// <summary>The default world: 360 subjects, 1 672 facts.</summary>
    public static WorldOptions Default { get; } = new();

    /// <summary>Number of countries (each gets its own official language).</summary>
    public int Countries { get; init; } = 16;
    /// <summary>Cities per country.</summary>
    public int CitiesPerCountry { get; init; } = 4;
    /// <summary>Number of continents.</summary>
    public int Continents { get; init; } = 5;
    /// <summary>Number of people.</summary>
    public int People { get; init; } = 240;
    /// <summary>Number of companies.</summary>
    public int Companies { get; init; } = 40;
    /// <summary>Number of holding companies that own the companies.</summary>
    public int Holdings { get; init; } = 8;

    internal void Validate()
    {
        if (Countries < 2 || CitiesPerCountry < 1 || Continents < 2 || People < 2 || Companies < 2 || Holdings < 2)
            throw new ArgumentException($"WorldOptions: need ≥ 2 countries, continents, people, companies and holdings and ≥ 1 city per country (got {this}).");
        if (People > 2000)
            throw new ArgumentException($"WorldOptions: at most 2000 people (got {People}).");
    }
}
