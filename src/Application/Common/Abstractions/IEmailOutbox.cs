namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// Outgoing email. A message is queued and sent after the request has been answered, so an answer never waits for (or
/// reveals by its timing) a mail server. Messages must hold no health data: they leave the vault's protection.
/// </summary>
public interface IEmailOutbox
{
    void Enqueue(EmailMessage message);
}

/// <summary>A plain-text email to one person.</summary>
public sealed record EmailMessage(string To, string ToName, string Subject, string TextBody);
