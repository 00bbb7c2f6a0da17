using MediVault.Domain.Common;

namespace MediVault.Domain.Emergency;

/// <summary>How bad a reaction to an allergen is. Travels as <c>mild</c>, <c>moderate</c>, <c>severe</c>.</summary>
public enum AllergySeverity
{
    Mild,
    Moderate,
    Severe,
}

/// <summary>The contract's spelling of each severity.</summary>
public static class AllergySeverityNames
{
    private static readonly Dictionary<AllergySeverity, string> Names = new()
    {
        [AllergySeverity.Mild] = "mild",
        [AllergySeverity.Moderate] = "moderate",
        [AllergySeverity.Severe] = "severe",
    };

    public static IReadOnlyCollection<string> All => Names.Values;

    public static string ToName(this AllergySeverity severity) => Names[severity];

    /// <summary>Reads <c>mild</c>, <c>moderate</c>, <c>severe</c> (case-insensitive); anything else is refused.</summary>
    public static bool TryParse(string? name, out AllergySeverity severity)
    {
        foreach (var (key, value) in Names)
        {
            if (string.Equals(value, name, StringComparison.OrdinalIgnoreCase))
            {
                severity = key;
                return true;
            }
        }
        severity = AllergySeverity.Mild;
        return false;
    }
}

/// <summary>Something the patient must not be given, and what happens if they are.</summary>
public sealed record Allergy
{
    public const int MaxSubstanceLength = 200;
    public const int MaxReactionLength = 500;

    public Allergy(string substance, string? reaction, AllergySeverity severity)
    {
        Substance = ProfileText.Required(substance, MaxSubstanceLength, nameof(substance));
        Reaction = ProfileText.Optional(reaction, MaxReactionLength, nameof(reaction));
        Severity = Enum.IsDefined(severity) ? severity : throw new DomainRuleException("severity is not a known severity.");
    }

    public string Substance { get; }
    public string? Reaction { get; }
    public AllergySeverity Severity { get; }
}

/// <summary>A diagnosis a first responder should know about.</summary>
public sealed record Condition
{
    public const int MaxNameLength = 200;
    public const int MaxNotesLength = 1000;

    public Condition(string name, string? notes)
    {
        Name = ProfileText.Required(name, MaxNameLength, nameof(name));
        Notes = ProfileText.Optional(notes, MaxNotesLength, nameof(notes));
    }

    public string Name { get; }
    public string? Notes { get; }
}

/// <summary>A medicine the patient takes.</summary>
public sealed record Medication
{
    public const int MaxNameLength = 200;
    public const int MaxDosageLength = 100;
    public const int MaxFrequencyLength = 100;

    public Medication(string name, string? dosage, string? frequency)
    {
        Name = ProfileText.Required(name, MaxNameLength, nameof(name));
        Dosage = ProfileText.Optional(dosage, MaxDosageLength, nameof(dosage));
        Frequency = ProfileText.Optional(frequency, MaxFrequencyLength, nameof(frequency));
    }

    public string Name { get; }
    public string? Dosage { get; }
    public string? Frequency { get; }
}

/// <summary>Whom to call.</summary>
public sealed record EmergencyContact
{
    public const int MaxNameLength = 200;
    public const int MaxRelationshipLength = 100;
    public const int MaxPhoneLength = 32;
    public const int MinPhoneDigits = 3;
    /// <summary>E.164 allows at most 15 digits.</summary>
    public const int MaxPhoneDigits = 15;

    public EmergencyContact(string name, string relationship, string phone)
    {
        Name = ProfileText.Required(name, MaxNameLength, nameof(name));
        Relationship = ProfileText.Required(relationship, MaxRelationshipLength, nameof(relationship));
        Phone = IsPhoneLike(phone) ? phone : throw new DomainRuleException("phone is not a phone number.");
    }

    public string Name { get; }
    public string Relationship { get; }
    public string Phone { get; }

    /// <summary>
    /// Digits with the usual separators (spaces, <c>-</c>, <c>.</c>, <c>(</c>, <c>)</c>, <c>/</c>) and an optional leading
    /// <c>+</c>; 3 to 15 digits, so both <c>112</c> and <c>+44 (0)20 7946 0958</c> pass.
    /// </summary>
    public static bool IsPhoneLike(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone) || phone.Length > MaxPhoneLength || phone != phone.Trim())
            return false;
        var digits = 0;
        for (var i = 0; i < phone.Length; i++)
        {
            var c = phone[i];
            if (char.IsAsciiDigit(c))
                digits++;
            else if (c == '+' ? i != 0 : c is not (' ' or '-' or '.' or '(' or ')' or '/'))
                return false;
        }
        return digits is >= MinPhoneDigits and <= MaxPhoneDigits;
    }
}

/// <summary>The text rules every free-text field of a profile shares.</summary>
public static class ProfileText
{
    public static string Required(string? value, int maxLength, string name)
    {
        Guard.NotBlank(UserText.WithoutBidiControls(value), name);
        return Optional(value, maxLength, name)!;
    }

    /// <summary>The text as kept: without bidirectional controls (<see cref="UserText"/>), bounded, free of control characters.</summary>
    public static string? Optional(string? value, int maxLength, string name)
    {
        value = UserText.WithoutBidiControls(value);
        if (value is null)
            return null;
        Guard.MaxLength(value, maxLength, name);
        if (HasForbiddenControlCharacter(value))
            throw new DomainRuleException($"{name} contains control characters.");
        return value;
    }

    /// <summary>Line breaks and tabs are text; every other control character is not.</summary>
    public static bool HasForbiddenControlCharacter(string value) =>
        value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
}
