namespace MediVault.Domain.Identity;

/// <summary>What kind of account a user has.</summary>
public enum AccountType
{
    Patient = 0,
    Doctor = 1,
}
