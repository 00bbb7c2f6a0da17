namespace MediVault.Application.Common.Abstractions;

/// <summary>Counts the uses of emergency QR codes.</summary>
public interface IQrCodeUses
{
    /// <summary>
    /// Counts one use of the code if, at <paramref name="now"/>, it is neither revoked, expired nor used up, in one
    /// conditional UPDATE on the request's <see cref="IAppDbContext"/> (and so inside the ledger's group commit when
    /// called as its condition): of two simultaneous last uses, exactly one is counted.
    /// </summary>
    Task<bool> TryClaimAsync(Guid codeId, DateTime now, CancellationToken cancellationToken);
}
