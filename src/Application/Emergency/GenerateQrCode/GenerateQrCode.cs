using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Ledger;

namespace MediVault.Application.Emergency.GenerateQrCode;

/// <summary>Issues a new emergency code for the signed-in patient's profile.</summary>
/// <param name="ExpiresInMinutes">5 to 43200 (30 days); 1440 (a day) when absent.</param>
/// <param name="Label">The patient's own name for the code, e.g. "wallet card"; at most 100 characters.</param>
/// <param name="MaxUses">How many times the code opens the profile, 1 to 10000; unlimited when absent.</param>
public sealed record GenerateQrCode(int? ExpiresInMinutes = null, string? Label = null, int? MaxUses = null) : ICommand<QrCodeCreated>;

/// <summary>A new emergency code. The token is shown only here; the server keeps only its hash.</summary>
/// <param name="Id">The code's id, for listing and revoking.</param>
/// <param name="Token">The secret the link carries: 256 random bits, base64url.</param>
/// <param name="AccessUrl">The emergency page the QR code points at: <c>{PublicBaseUrl}/emergency/{token}</c>.</param>
/// <param name="ExpiresAt">When the code stops working (UTC).</param>
/// <param name="Label">The patient's name for the code.</param>
/// <param name="MaxUses">How many times the code opens the profile; null for no limit.</param>
/// <param name="QrCodePng">Base64 of a PNG of the QR code of <c>qrCodeUrl</c> (error correction Q, 10 pixels a module).</param>
/// <param name="QrCodeSvg">The same QR code as a scalable SVG document, for printing.</param>
/// <param name="QrCodeUrl">
/// What the images encode: the path-free form <c>{PublicBaseUrl}/emergency#t={token}</c>, whose token stays in the
/// fragment and never reaches a server log. <c>accessUrl</c> keeps working for the v1 contract.
/// </param>
public sealed record QrCodeCreated(
    Guid Id, string Token, string AccessUrl, DateTime ExpiresAt, string? Label, int? MaxUses, string QrCodePng, string QrCodeSvg,
    string QrCodeUrl);

public sealed class GenerateQrCodeHandler(
    IAppDbContext db, ICurrentUser currentUser, IRecordAccess access, IAccessLog accessLog, ILedger ledger,
    IEmergencyLinks links, IQrCodeRenderer renderer, TimeProvider clock)
    : ICommandHandler<GenerateQrCode, QrCodeCreated>
{
    public async ValueTask<QrCodeCreated> Handle(GenerateQrCode command, CancellationToken cancellationToken)
    {
        // A code shares the caller's own profile, so issuing one is the patient writing their own records.
        var patientId = currentUser.RequireUserId();
        var role = await access.EnsureAsync(patientId, RecordAction.WriteProfile, cancellationToken);

        var token = QrToken.Create();
        var tokenHash = QrToken.Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        var lifetime = TimeSpan.FromMinutes(command.ExpiresInMinutes ?? QrAccessCode.DefaultLifetimeMinutes);
        var code = QrAccessCode.Create(
            patientId, tokenHash, string.IsNullOrWhiteSpace(command.Label) ? null : command.Label.Trim(),
            now, now + lifetime, command.MaxUses);
        db.QrAccessCodes.Add(code);

        accessLog.Record(patientId, AccessAction.QrGenerated, role, ResourceTypes.QrCode, code.Id);
        await ledger.CommitAsync(new LedgerEvent(LedgerBlockKind.QrGenerated, code.Id, patientId, tokenHash), beforeSave: null, cancellationToken);

        var qrCodeUrl = links.PathFreeEmergencyPageUrl(token);
        var images = renderer.Render(qrCodeUrl);
        return new QrCodeCreated(
            code.Id, token, links.EmergencyPageUrl(token), code.ExpiresAt, code.Label, code.MaxUses,
            Convert.ToBase64String(images.Png), images.Svg, qrCodeUrl);
    }
}
