using FluentValidation;
using Mediator;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Sharing.SmartHealthLinks.OpenSmartHealthLink;
using MediVault.Domain.Sharing;

namespace MediVault.Application.Sharing.SmartHealthLinks.OpenShlDirectFile;

/// <summary>A direct-file request (anonymous) to a <c>U</c> link: <c>GET {url}?recipient=…</c> answers its one file's JWE.</summary>
public sealed record OpenShlDirectFile(string ManifestId, string? Recipient) : ICommand<ShlEncryptedFile>;

/// <summary>A compact JWE, answered as <c>application/jose</c>.</summary>
public sealed record ShlEncryptedFile(string Jwe);

public sealed class OpenShlDirectFileHandler(ShlServing serving) : ICommandHandler<OpenShlDirectFile, ShlEncryptedFile>
{
    public async ValueTask<ShlEncryptedFile> Handle(OpenShlDirectFile command, CancellationToken cancellationToken)
    {
        // Only a U link answers a GET; any other is read with a POST, and looks the same as an unknown one here.
        var link = await serving.FindAsync(command.ManifestId, cancellationToken);
        if (!link.Flags.HasFlag(ShlOptions.DirectFile))
            throw new NotFoundException(ShlServing.NotAvailable);
        return await serving.OpenAsync(command.ManifestId, command.Recipient!.Trim(), passcode: null,
            async (opened, _, ct) =>
            {
                var entryId = await serving.FirstEntryAsync(opened, ct);
                return new ShlEncryptedFile(await serving.EncryptedEntryAsync(opened, entryId, ct) ?? throw new NotFoundException(ShlServing.NotAvailable));
            },
            cancellationToken);
    }
}

internal sealed class OpenShlDirectFileValidator : AbstractValidator<OpenShlDirectFile>
{
    public OpenShlDirectFileValidator() => RuleFor(x => x.Recipient).ValidRecipient();
}
