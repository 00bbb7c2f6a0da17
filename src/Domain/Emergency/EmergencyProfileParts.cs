namespace MediVault.Domain.Emergency;

public enum AllergySeverity
{
    Mild,
    Moderate,
    Severe,
}

public sealed record Allergy(string Substance, string? Reaction, AllergySeverity Severity);

public sealed record Condition(string Name, string? Notes);

public sealed record Medication(string Name, string? Dosage, string? Frequency);

public sealed record EmergencyContact(string Name, string Relationship, string Phone);
