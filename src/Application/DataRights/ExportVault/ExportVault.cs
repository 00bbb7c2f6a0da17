using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Identity;

namespace MediVault.Application.DataRights.ExportVault;

/// <summary>
/// Everything the patient's vault holds, as one ZIP archive written straight to the caller while the files are
/// decrypted: nothing of the vault is held in memory. Needs a proof of a password check within the last minutes.
/// </summary>
public sealed record ExportVault(string? Proof) : IQuery<VaultExport>;

/// <summary>The archive's suggested name, and the writer the response runs once its headers are sent.</summary>
public sealed record VaultExport(string FileName, Func<Stream, CancellationToken, Task> WriteToAsync);

public sealed class ExportVaultHandler(
    ICurrentUser currentUser, IRecentAuthentication recent, IEnumerable<IVaultExportPart> parts, TimeProvider clock)
    : IQueryHandler<ExportVault, VaultExport>
{
    public ValueTask<VaultExport> Handle(ExportVault query, CancellationToken cancellationToken)
    {
        var patientId = currentUser.RequireUserId();
        if (currentUser.AccountType != AccountType.Patient)
            throw new ForbiddenException("Only a patient's own vault can be exported.");
        if (!recent.IsValid(query.Proof, patientId))
            throw new ForbiddenException(
                $"Confirm your password first (POST /api/auth/reauthenticate); the confirmation lasts {recent.Lifetime.TotalMinutes:0} minutes.");

        var ordered = parts.ToList();
        var name = $"medivault-export-{clock.GetUtcNow():yyyy-MM-dd}.zip";
        return ValueTask.FromResult(new VaultExport(name, async (body, ct) =>
        {
            await using var archive = await VaultArchive.CreateAsync(body, ct);
            await archive.WriteTextAsync("README.txt", Readme(ordered, clock.GetUtcNow()), ct);
            foreach (var part in ordered)
                await part.WriteAsync(archive, patientId, ct);
        }));
    }

    private static string Readme(IEnumerable<IVaultExportPart> parts, DateTimeOffset at) =>
        $"""
        MediVault export
        ================

        Everything your MediVault vault held on {at:yyyy-MM-dd HH:mm} UTC. Keep this archive safe: it is not
        encrypted, and it holds your medical records.

        {string.Join(Environment.NewLine + Environment.NewLine, parts.Select(p => p.Description))}

        Dates and times are UTC (ISO 8601). JSON files use the same field names as the MediVault API
        (docs/api.md).

        """;
}
