namespace RlsEdit.World;

/// <summary>The kinds of things a fact world contains; a relation maps one kind to another.</summary>
public enum EntityKind
{
    /// <summary>An invented country.</summary>
    Country,
    /// <summary>An invented city (each lies in one country).</summary>
    City,
    /// <summary>An invented language.</summary>
    Language,
    /// <summary>An invented continent.</summary>
    Continent,
    /// <summary>An invented person (first name and surname, two words).</summary>
    Person,
    /// <summary>An invented company.</summary>
    Company,
    /// <summary>An invented holding company that owns other companies.</summary>
    Holding,
    /// <summary>A musical instrument (an English word).</summary>
    Instrument,
    /// <summary>A profession (an English word).</summary>
    Profession,
    /// <summary>An industry (an English word).</summary>
    Industry,
}
