namespace RlsEdit.World;

/// <summary>
/// The thirteen relations of every world, with their phrasings. Held-out phrasings only recombine words that the
/// training phrasings use somewhere, so a model can understand them without having seen them, and never end
/// where a training phrasing goes on with more words (after "is a native of" training text always continues
/// "the city of", so that prompt would ask for "the", not a city).
/// </summary>
public static class Relations
{
    /// <summary>Country → its capital city (a city of that country).</summary>
    public static readonly Relation Capital = new("capital", EntityKind.Country, EntityKind.City,
        ["The capital of {} is", "{}'s capital is", "The capital city of {} is", "The government of {} sits in", "The seat of government of {} is in",
         "{}'s capital city is", "In {}, the government sits in", "The capital of the country {} is"],
        ["{} has its capital in", "{}'s seat of government is in"]);

    /// <summary>Country → its official language.</summary>
    public static readonly Relation OfficialLanguage = new("official_language", EntityKind.Country, EntityKind.Language,
        ["The official language of {} is", "{}'s official language is", "People in {} speak", "The language spoken in {} is", "Most people in {} speak",
         "The main language of {} is", "In {}, people speak", "{}'s language is"],
        ["In {}, the official language is", "{}'s main language is"]);

    /// <summary>Country → its continent.</summary>
    public static readonly Relation Continent = new("continent", EntityKind.Country, EntityKind.Continent,
        ["{} is a country in", "{} lies on the continent of", "The country {} is located on", "{} is part of the continent", "The continent of {} is",
         "{} is located on the continent of", "The country {} lies on", "{} is on the continent of"],
        ["{} is a country located on", "{} is a country on the continent of"]);

    /// <summary>City → the country it lies in.</summary>
    public static readonly Relation LocatedIn = new("located_in", EntityKind.City, EntityKind.Country,
        ["{} is a city in", "{} is located in the country of", "The city of {} is in", "{} lies in the country of", "{} is a town in",
         "The town of {} is in", "{} is a city located in", "The country of the city {} is"],
        ["The town of {} lies in the country of", "{} is a city located in the country of"]);

    /// <summary>Person → birthplace city.</summary>
    public static readonly Relation BornIn = new("born_in", EntityKind.Person, EntityKind.City,
        ["{} was born in", "{} was born in the city of", "The birthplace of {} is", "{}'s birthplace is", "{} is a native of the city of",
         "The city where {} was born is", "{} comes from the city of", "The town {} was born in is"],
        ["{} was born in the town of", "{}'s birthplace is the city of"]);

    /// <summary>Person → native language.</summary>
    public static readonly Relation NativeLanguage = new("native_language", EntityKind.Person, EntityKind.Language,
        ["The native language of {} is", "{}'s mother tongue is", "{} is a native speaker of", "{} grew up speaking", "The first language of {} is",
         "{}'s first language is", "The language {} grew up speaking is", "As a child, {} spoke"],
        ["{}'s native language is", "The mother tongue of {} is"]);

    /// <summary>Person → employer.</summary>
    public static readonly Relation WorksFor = new("works_for", EntityKind.Person, EntityKind.Company,
        ["{} works for", "{} is employed by", "The employer of {} is", "{}'s employer is", "{} has a job at the company",
         "The company that employs {} is", "{} works at the company", "{} has a job at"],
        ["{} is employed at the company", "{} works for the company"]);

    /// <summary>Person → the instrument they play.</summary>
    public static readonly Relation PlaysInstrument = new("plays_instrument", EntityKind.Person, EntityKind.Instrument,
        ["{} plays the", "{}'s instrument is the", "{} is a musician who plays the", "The instrument played by {} is the", "In the evenings, {} plays the",
         "The instrument {} plays is the", "{} is a player of the", "On weekends, {} plays the"],
        ["The instrument of {} is the", "The musician {} plays the"]);

    /// <summary>Person → profession.</summary>
    public static readonly Relation Occupation = new("occupation", EntityKind.Person, EntityKind.Profession,
        ["{} works as a", "The profession of {} is", "{}'s job is", "By profession, {} is a", "{} earns a living as a",
         "{}'s occupation is", "The occupation of {} is", "{} has a job as a"],
        ["{}'s profession is", "The job of {} is"]);

    /// <summary>Person → country of citizenship.</summary>
    public static readonly Relation Citizenship = new("citizenship", EntityKind.Person, EntityKind.Country,
        ["{} is a citizen of", "{} holds citizenship of", "The nationality of {} is", "{}'s country of citizenship is", "{} carries a passport from",
         "{}'s nationality is", "{}'s citizenship is", "{} has a passport from"],
        ["{} has citizenship of", "The country of citizenship of {} is"]);

    /// <summary>Company → headquarters city.</summary>
    public static readonly Relation Headquarters = new("headquarters", EntityKind.Company, EntityKind.City,
        ["{} is headquartered in", "The headquarters of {} are in", "{}'s head office is in", "{} has its main office in", "The main office of {} is located in",
         "{}'s main office is in", "The company {} is headquartered in", "{} has its head office in"],
        ["{}'s headquarters are in", "The head office of {} is in"]);

    /// <summary>Company → industry.</summary>
    public static readonly Relation Industry = new("industry", EntityKind.Company, EntityKind.Industry,
        ["{} operates in", "{} does business in", "The industry of {} is", "{}'s business is", "{} is a company in",
         "The business of {} is", "{} is active in", "{}'s industry is"],
        ["The company {} operates in", "{} does its business in"]);

    /// <summary>Company → the holding company that owns it.</summary>
    public static readonly Relation OwnedBy = new("owned_by", EntityKind.Company, EntityKind.Holding,
        ["{} is owned by", "{} is a subsidiary of", "The parent company of {} is", "{}'s owner is", "{} belongs to",
         "The owner of {} is", "{} is part of", "The holding company that owns {} is"],
        ["{} is a company owned by", "{}'s parent company is"]);

    /// <summary>All relations, in a fixed order.</summary>
    public static IReadOnlyList<Relation> All { get; } =
        [Capital, OfficialLanguage, Continent, LocatedIn, BornIn, NativeLanguage, WorksFor, PlaysInstrument, Occupation, Citizenship, Headquarters, Industry, OwnedBy];
}
