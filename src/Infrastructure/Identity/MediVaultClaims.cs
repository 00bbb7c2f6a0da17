namespace MediVault.Infrastructure.Identity;

/// <summary>The claims MediVault puts in its tokens and cookies.</summary>
public static class MediVaultClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Email = "email";
    public const string AccountType = "account_type";
}
