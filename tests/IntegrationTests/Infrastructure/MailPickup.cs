using System.Text.RegularExpressions;
using MimeKit;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// Reads what the app "sent": in tests the email goes to the pickup folder (<c>&lt;data&gt;/mail-pickup/*.eml</c>),
/// written after the request was answered, so the reader waits for it a little.
/// </summary>
public static partial class MailPickup
{
    /// <summary>The messages to <paramref name="email"/> so far.</summary>
    public static IReadOnlyList<MimeMessage> To(string dataDirectory, string email)
    {
        var folder = Path.Combine(dataDirectory, "mail-pickup");
        if (!Directory.Exists(folder))
            return [];
        return [.. Directory.GetFiles(folder, "*.eml").Order()
            .Select(path => MimeMessage.Load(path))
            .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, email, StringComparison.OrdinalIgnoreCase)))];
    }

    /// <summary>Waits (up to 10 s) for the <paramref name="count"/>th message to <paramref name="email"/>, and returns it.</summary>
    public static async Task<MimeMessage> WaitForMessageAsync(string dataDirectory, string email, int count = 1)
    {
        for (var waited = 0; waited < 10_000; waited += 50)
        {
            var messages = To(dataDirectory, email);
            if (messages.Count >= count)
                return messages[count - 1];
            await Task.Delay(50);
        }
        throw new TimeoutException($"No email number {count} to {email} arrived in the pickup folder.");
    }

    /// <summary>The reset link in a message, and its token (from the URL's fragment).</summary>
    public static (string Url, string Token) ResetLink(MimeMessage message)
    {
        var match = ResetLinkPattern().Match(message.TextBody ?? "");
        if (!match.Success)
            throw new InvalidOperationException("The email holds no reset link:\n" + message.TextBody);
        return (match.Value, match.Groups["token"].Value);
    }

    /// <summary>Waits for the next reset email to <paramref name="email"/> and returns its token.</summary>
    public static async Task<string> ResetTokenAsync(string dataDirectory, string email, int count = 1) =>
        ResetLink(await WaitForMessageAsync(dataDirectory, email, count)).Token;

    [GeneratedRegex(@"https?://\S+/#/reset-password\?token=(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex ResetLinkPattern();
}
