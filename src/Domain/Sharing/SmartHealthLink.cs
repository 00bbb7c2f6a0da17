using System.Linq.Expressions;
using MediVault.Domain.Common;
using MediVault.Domain.Emergency;

namespace MediVault.Domain.Sharing;

/// <summary>
/// A SMART Health Link (HL7 SMART Health Cards and Links, links specification): an encrypted share of a patient's
/// emergency summary and chosen files that any conforming viewer can open. The server keeps the hash of the manifest
/// id, never the id itself; the link key only wrapped (long-term links) or not at all (docs/emergency.md).
/// </summary>
public sealed class SmartHealthLink
{
    public const int MaxLabelLength = 80;
    public const int MinLifetimeMinutes = 5;
    /// <summary>365 days.</summary>
    public const int MaxLifetimeMinutes = 525_600;
    public const int DefaultLifetimeMinutes = 1_440;
    public const int MaxPasscodeAttemptsLimit = 100;
    public const int DefaultMaxPasscodeAttempts = 10;
    public const int MaxRecipientLength = 200;

    private readonly List<SmartHealthLinkEntry> _entries = [];

    private SmartHealthLink() { } // EF Core

    public Guid Id { get; private set; }
    public Guid PatientId { get; private set; }
    /// <summary>Lower-case hex SHA-256 of the manifest id (the random path segment of the link's url).</summary>
    public string ManifestIdHash { get; private set; } = "";
    public string? Label { get; private set; }
    public ShlOptions Flags { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }
    /// <summary>The passcode's PBKDF2 hash (<c>pbkdf2-sha256$iterations$salt$hash</c>), or null without a passcode.</summary>
    public string? PasscodeHash { get; private set; }
    public int? MaxPasscodeAttempts { get; private set; }
    /// <summary>Wrong passcodes ever sent; the link is dead once it reaches <see cref="MaxPasscodeAttempts"/>.</summary>
    public int FailedPasscodeAttempts { get; private set; }
    /// <summary>The link key wrapped by the master key; only long-term (<c>L</c>) links keep it.</summary>
    public byte[]? WrappedKey { get; private set; }
    public int OpenCount { get; private set; }
    public DateTime? LastOpenedAt { get; private set; }
    public string? LastOpenedBy { get; private set; }
    public IReadOnlyList<SmartHealthLinkEntry> Entries => _entries;

    public static SmartHealthLink Create(
        Guid id, Guid patientId, string manifestIdHash, string? label, ShlOptions flags, DateTime createdAt, DateTime expiresAt,
        string? passcodeHash, int? maxPasscodeAttempts, byte[]? wrappedKey)
    {
        var lifetime = expiresAt - createdAt;
        if (lifetime < TimeSpan.FromMinutes(MinLifetimeMinutes) || lifetime > TimeSpan.FromMinutes(MaxLifetimeMinutes))
            throw new DomainRuleException($"A link lives between {MinLifetimeMinutes} and {MaxLifetimeMinutes} minutes.");
        if (flags.HasFlag(ShlOptions.Passcode) != (passcodeHash is not null) || (passcodeHash is null) != (maxPasscodeAttempts is null))
            throw new DomainRuleException("A link has a passcode, its attempt limit and the P flag together, or none of them.");
        if (maxPasscodeAttempts is < 1 or > MaxPasscodeAttemptsLimit)
            throw new DomainRuleException($"A passcode allows between 1 and {MaxPasscodeAttemptsLimit} wrong attempts.");
        if (flags.HasFlag(ShlOptions.DirectFile) && flags.HasFlag(ShlOptions.Passcode))
            throw new DomainRuleException("The U flag cannot be combined with a passcode.");
        if (flags.HasFlag(ShlOptions.LongTerm) != (wrappedKey is not null))
            throw new DomainRuleException("Long-term links, and only they, keep their wrapped key.");
        return new SmartHealthLink
        {
            Id = Guard.NotEmpty(id, nameof(id)),
            PatientId = Guard.NotEmpty(patientId, nameof(patientId)),
            ManifestIdHash = Guard.Sha256Hex(manifestIdHash, nameof(manifestIdHash)),
            Label = ProfileText.Optional(label, MaxLabelLength, nameof(label)),
            Flags = flags,
            CreatedAt = Guard.Utc(createdAt, nameof(createdAt)),
            ExpiresAt = Guard.Utc(expiresAt, nameof(expiresAt)),
            PasscodeHash = passcodeHash,
            MaxPasscodeAttempts = maxPasscodeAttempts,
            WrappedKey = wrappedKey,
        };
    }

    /// <summary>Adds what the link shares, in order; a one-time link (no <c>L</c>) with its ciphertext.</summary>
    public void Include(Guid entryId, string contentType, DateTime lastUpdated, string? jwe)
    {
        if (Flags.HasFlag(ShlOptions.LongTerm) != (jwe is null))
            throw new DomainRuleException("A long-term link encrypts at each request; any other keeps its ciphertext.");
        if (_entries.Any(e => e.EntryId == entryId))
            throw new DomainRuleException("An entry is shared once.");
        _entries.Add(SmartHealthLinkEntry.Create(Id, entryId, _entries.Count, contentType, lastUpdated, jwe));
        if (Flags.HasFlag(ShlOptions.DirectFile) && _entries.Count > 1)
            throw new DomainRuleException("A U-flagged link shares exactly one file.");
    }

    /// <summary>Whether the link still opens: not revoked, not expired, and not locked by wrong passcodes. One rule for EF Core and memory.</summary>
    public static Expression<Func<SmartHealthLink, bool>> ActiveAt(DateTime now) =>
        l => l.RevokedAt == null && l.ExpiresAt > now && (l.MaxPasscodeAttempts == null || l.FailedPasscodeAttempts < l.MaxPasscodeAttempts);

    public ShlStatus StatusAt(DateTime now) =>
        RevokedAt is not null ? ShlStatus.Revoked
        : MaxPasscodeAttempts is { } max && FailedPasscodeAttempts >= max ? ShlStatus.Locked
        : ExpiresAt <= now ? ShlStatus.Expired
        : ShlStatus.Active;

    /// <summary>Wrong passcodes still allowed before the link dies; null without a passcode.</summary>
    public int? RemainingAttempts => MaxPasscodeAttempts is { } max ? Math.Max(0, max - FailedPasscodeAttempts) : null;

    public void Revoke(DateTime at)
    {
        if (RevokedAt is not null)
            throw new DomainRuleException("The link is already revoked.");
        RevokedAt = Guard.Utc(at, nameof(at));
    }
}

/// <summary>One thing a link shares: the emergency summary (<see cref="SmartHealthLinkEntry.SummaryId"/>) or a medical file (its id).</summary>
public sealed class SmartHealthLinkEntry
{
    /// <summary>The entry id of the emergency summary; a file's entry id is the file's id.</summary>
    public static readonly Guid SummaryId = Guid.Empty;

    private SmartHealthLinkEntry() { } // EF Core

    public Guid LinkId { get; private set; }
    public Guid EntryId { get; private set; }
    public int Ordinal { get; private set; }
    public string ContentType { get; private set; } = "";
    public DateTime LastUpdated { get; private set; }
    /// <summary>The JWE made at creation (links without <c>L</c>); null for long-term links, which encrypt at each request.</summary>
    public string? Jwe { get; private set; }

    public bool IsSummary => EntryId == SummaryId;

    internal static SmartHealthLinkEntry Create(Guid linkId, Guid entryId, int ordinal, string contentType, DateTime lastUpdated, string? jwe) => new()
    {
        LinkId = linkId,
        EntryId = entryId,
        Ordinal = ordinal,
        ContentType = Guard.NotBlank(contentType, nameof(contentType)),
        LastUpdated = Guard.Utc(lastUpdated, nameof(lastUpdated)),
        Jwe = jwe,
    };
}

/// <summary>The payload's <c>flag</c> letters: <c>L</c> long-term, <c>P</c> passcode, <c>U</c> direct file.</summary>
[Flags]
public enum ShlOptions
{
    None = 0,
    LongTerm = 1,
    Passcode = 2,
    DirectFile = 4,
}

public static class ShlFlagLetterNames
{
    /// <summary>The letters in alphabetical order, as the payload carries them ("" for none).</summary>
    public static string ToLetters(this ShlOptions flags) =>
        (flags.HasFlag(ShlOptions.LongTerm) ? "L" : "") + (flags.HasFlag(ShlOptions.Passcode) ? "P" : "") + (flags.HasFlag(ShlOptions.DirectFile) ? "U" : "");
}

/// <summary>Whether a link still opens. Travels as <c>active</c>, <c>expired</c>, <c>revoked</c>, <c>locked</c> (too many wrong passcodes).</summary>
public enum ShlStatus
{
    Active,
    Expired,
    Revoked,
    Locked,
}
