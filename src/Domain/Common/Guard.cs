namespace MediVault.Domain.Common;

/// <summary>Guard clauses for constructors and factory methods.</summary>
public static class Guard
{
    public static Guid NotEmpty(Guid value, string name) =>
        value == Guid.Empty ? throw new DomainRuleException($"{name} is required.") : value;

    public static string NotBlank(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new DomainRuleException($"{name} is required.") : value;

    public static string MaxLength(string value, int max, string name) =>
        value.Length > max ? throw new DomainRuleException($"{name} is longer than {max} characters.") : value;

    public static DateTime Utc(DateTime value, string name) =>
        value.Kind == DateTimeKind.Local ? throw new DomainRuleException($"{name} must be UTC.") : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    /// <summary>A lower-case hex SHA-256 (64 characters).</summary>
    public static string Sha256Hex(string? value, string name)
    {
        if (value is null || value.Length != 64 || !value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            throw new DomainRuleException($"{name} must be a lower-case hex SHA-256.");
        return value;
    }

    public static string Sha1Hex(string? value, string name)
    {
        if (value is null || value.Length != 40 || !value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            throw new DomainRuleException($"{name} must be a lower-case hex SHA-1.");
        return value;
    }
}
