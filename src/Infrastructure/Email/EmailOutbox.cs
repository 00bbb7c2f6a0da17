using System.Threading.Channels;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MediVault.Infrastructure.Email;

/// <summary>
/// Queues outgoing email in memory and sends it in the background, so the request that asked for it is answered at
/// once (the forgot-password answer's timing says nothing about whether an account exists). A message still queued
/// when the app stops is lost: the person asks again.
/// </summary>
internal sealed partial class EmailOutbox(IEmailTransport transport, IOptions<MediVaultOptions> options, ILogger<EmailOutbox> logger)
    : BackgroundService, IEmailOutbox
{
    private readonly Channel<EmailMessage> queue = Channel.CreateBounded<EmailMessage>(
        new BoundedChannelOptions(1_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Enqueue(EmailMessage message)
    {
        if (!queue.Writer.TryWrite(message))
            LogDropped(logger);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await transport.SendAsync(ToMime(message), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The exception's type and message only: never the recipient, the subject or the body (a reset link).
                LogFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    private MimeMessage ToMime(EmailMessage message)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.Value.Email.Smtp.From));
        mime.To.Add(new MailboxAddress(message.ToName, message.To));
        mime.Subject = message.Subject;
        mime.Body = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = message.TextBody };
        return mime;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An email could not be sent: {Failure}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string failure, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The email queue is full; an email was dropped.")]
    private static partial void LogDropped(ILogger logger);
}

/// <summary>Where a finished message goes: an SMTP server, or a pickup folder.</summary>
internal interface IEmailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends through the SMTP server of <c>MediVault:Email:Smtp</c> with MailKit (TLS or STARTTLS required unless both are off).</summary>
internal sealed class SmtpTransport(IOptions<MediVaultOptions> options) : IEmailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Email.Smtp;
        using var client = new MailKit.Net.Smtp.SmtpClient();
        var security = smtp.UseTls ? MailKit.Security.SecureSocketOptions.SslOnConnect
            : smtp.StartTls ? MailKit.Security.SecureSocketOptions.StartTls
            : MailKit.Security.SecureSocketOptions.None;
        await client.ConnectAsync(smtp.Host ?? "", smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.User))
            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>
/// Writes each message as an <c>.eml</c> file into a folder (<c>&lt;data&gt;/mail-pickup</c>), as an SMTP server's
/// pickup directory takes them: for Development and the tests, where there is no mail server. The file is written
/// under a temporary name and renamed, so a reader never sees half a message; it is readable by the owner only.
/// </summary>
internal sealed class PickupDirectoryTransport(DataDirectory data) : IEmailTransport
{
    public string Folder => Path.Combine(data.Root, "mail-pickup");

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}";
        var partial = Path.Combine(Folder, name + ".tmp");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var file = new FileStream(partial, fileOptions))
        {
            await message.WriteToAsync(file, cancellationToken);
        }
        File.Move(partial, Path.Combine(Folder, name + ".eml"));
    }
}

/// <summary>No delivery configured (Production without <c>Smtp:Host</c>): each message is dropped with a warning.</summary>
internal sealed partial class UnconfiguredTransport(ILogger<UnconfiguredTransport> logger) : IEmailTransport
{
    public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        LogNotSent(logger);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "An email was not sent: set MediVault:Email:Smtp:Host (or MediVault:Email:Delivery=pickup). See docs/operations.md.")]
    private static partial void LogNotSent(ILogger logger);
}

public static class EmailServices
{
    /// <summary>The outbox, and the transport <c>MediVault:Email</c> chooses (docs/operations.md, "Email").</summary>
    public static IServiceCollection AddEmail(this IServiceCollection services, MediVaultOptions options, IHostEnvironment environment)
    {
        var delivery = options.Email.Delivery
            ?? (!string.IsNullOrWhiteSpace(options.Email.Smtp.Host) ? "smtp"
                : environment.IsDevelopment() || environment.IsEnvironment("Testing") ? "pickup"
                : null);
        switch (delivery)
        {
            case "smtp":
                services.AddSingleton<IEmailTransport, SmtpTransport>();
                break;
            case "pickup":
                services.AddSingleton<IEmailTransport, PickupDirectoryTransport>();
                break;
            default:
                services.AddSingleton<IEmailTransport, UnconfiguredTransport>();
                break;
        }
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<IEmailOutbox>(sp => sp.GetRequiredService<EmailOutbox>());
        services.AddHostedService(sp => sp.GetRequiredService<EmailOutbox>());
        return services;
    }
}
