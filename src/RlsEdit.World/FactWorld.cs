namespace RlsEdit.World;

/// <summary>
/// A deterministic synthetic world of invented countries, cities, languages, people and companies with exactly
/// one object per (subject, relation). The same seed and options always give the same world.
/// </summary>
public sealed class FactWorld
{
    /// <summary>English words used as objects of the instrument relation.</summary>
    public static readonly IReadOnlyList<string> InstrumentWords = ["piano", "violin", "guitar", "flute", "cello", "drums", "harp", "trumpet", "clarinet", "organ", "banjo", "oboe"];
    /// <summary>English words used as objects of the occupation relation.</summary>
    public static readonly IReadOnlyList<string> ProfessionWords = ["doctor", "lawyer", "teacher", "engineer", "painter", "farmer", "pilot", "chef", "writer", "architect", "nurse", "baker"];
    /// <summary>English words used as objects of the industry relation.</summary>
    public static readonly IReadOnlyList<string> IndustryWords = ["banking", "mining", "shipping", "software", "textiles", "energy", "insurance", "publishing", "tourism", "aviation", "retail", "chemicals"];

    private readonly Dictionary<(string Subject, string Relation), Fact> _facts;

    /// <summary>The seed the world was generated from.</summary>
    public int Seed { get; }
    /// <summary>The options it was generated with.</summary>
    public WorldOptions Options { get; }
    /// <summary>Entity names by kind, in generation order.</summary>
    public IReadOnlyDictionary<EntityKind, IReadOnlyList<string>> Entities { get; }
    /// <summary>Every fact, grouped by relation in <see cref="Relations.All"/> order, subjects in generation order.</summary>
    public IReadOnlyList<Fact> Facts { get; }

    private FactWorld(int seed, WorldOptions options, Dictionary<EntityKind, IReadOnlyList<string>> entities, List<Fact> facts)
    {
        Seed = seed; Options = options; Entities = entities; Facts = facts;
        _facts = facts.ToDictionary(f => (f.Subject, f.Relation.Id));
    }

    /// <summary>The objects a relation can take (every entity of its object kind).</summary>
    public IReadOnlyList<string> ObjectsOf(Relation relation)
    {
        ArgumentNullException.ThrowIfNull(relation);
        return Entities[relation.ObjectKind];
    }

    /// <summary>The fact (<paramref name="subject"/>, <paramref name="relation"/>), or null when the subject does not have that relation.</summary>
    public Fact? Find(string subject, Relation relation)
    {
        ArgumentNullException.ThrowIfNull(relation);
        return _facts.GetValueOrDefault((subject, relation.Id));
    }

    /// <summary>Every fact whose subject is <paramref name="subject"/>.</summary>
    public IEnumerable<Fact> FactsAbout(string subject) => Relations.All.Select(r => Find(subject, r)).OfType<Fact>();

    /// <summary>Generates the world of <paramref name="seed"/>.</summary>
    public static FactWorld Generate(int seed, WorldOptions? options = null)
    {
        options ??= WorldOptions.Default;
        options.Validate();
        var random = new Random(seed);
        var reserved = WorldText.EnglishWords();
        var names = new NameGenerator(random, reserved);
        List<string> Make(int count, int min, int max, string suffix = "") => Enumerable.Range(0, count).Select(_ => names.Next(min, max, suffix)).ToList();

        var continents = Make(options.Continents, 2, 3, "ia");
        var countries = Make(options.Countries, 2, 3);
        var languages = Make(options.Countries, 2, 2, "ish");
        var cities = Make(options.Countries * options.CitiesPerCountry, 2, 3);
        var firstNames = Make(Math.Max(8, (int)Math.Ceiling(Math.Sqrt(options.People) * 2.5)), 2, 2);
        // One surname per person: an edit writes its key at the subject's last token, so a shared surname would
        // make one person's key collide with another's (first names may repeat; they are not the key position).
        var surnames = Make(options.People, 2, 3);
        var companies = Make(options.Companies, 2, 3, "co");
        var holdings = Make(options.Holdings, 2, 2, "ex");
        var people = surnames.Select(surname => $"{firstNames[random.Next(firstNames.Count)]} {surname}").ToList();

        var entities = new Dictionary<EntityKind, IReadOnlyList<string>>
        {
            [EntityKind.Continent] = continents, [EntityKind.Country] = countries, [EntityKind.Language] = languages,
            [EntityKind.City] = cities, [EntityKind.Person] = people, [EntityKind.Company] = companies, [EntityKind.Holding] = holdings,
            [EntityKind.Instrument] = InstrumentWords, [EntityKind.Profession] = ProfessionWords, [EntityKind.Industry] = IndustryWords,
        };
        T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
        var citiesOf = countries.Select((_, c) => cities.Skip(c * options.CitiesPerCountry).Take(options.CitiesPerCountry).ToList()).ToList();

        var byRelation = Relations.All.ToDictionary(r => r.Id, _ => new List<Fact>());
        void Add(string subject, Relation relation, string obj) => byRelation[relation.Id].Add(new Fact(subject, relation, obj));
        for (int c = 0; c < countries.Count; c++)
        {
            Add(countries[c], Relations.Capital, citiesOf[c][0]);
            Add(countries[c], Relations.OfficialLanguage, languages[c]);
            // Every continent gets a country before any gets a second one.
            Add(countries[c], Relations.Continent, c < continents.Count ? continents[c] : Pick(continents));
            foreach (var city in citiesOf[c]) Add(city, Relations.LocatedIn, countries[c]);
        }
        foreach (var person in people)
        {
            // People mostly live where they are from, so the facts are correlated as in real text, not independent.
            int home = random.Next(countries.Count);
            Add(person, Relations.Citizenship, countries[home]);
            Add(person, Relations.BornIn, random.NextDouble() < 0.7 ? Pick(citiesOf[home]) : Pick(cities));
            Add(person, Relations.NativeLanguage, random.NextDouble() < 0.7 ? languages[home] : Pick(languages));
            Add(person, Relations.WorksFor, Pick(companies));
            Add(person, Relations.PlaysInstrument, Pick(InstrumentWords));
            Add(person, Relations.Occupation, Pick(ProfessionWords));
        }
        foreach (var company in companies)
        {
            Add(company, Relations.Headquarters, Pick(cities));
            Add(company, Relations.Industry, Pick(IndustryWords));
            Add(company, Relations.OwnedBy, Pick(holdings));
        }
        var facts = Relations.All.SelectMany(r => byRelation[r.Id]).ToList();
        return new FactWorld(seed, options, entities, facts);
    }
}
