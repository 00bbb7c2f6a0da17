// The floor of MediVault's two heaviest read paths (issue 16): what ASP.NET Core and EF Core cost on this machine with
// nothing of MediVault around them. One SQLite file with the columns the files list and the dashboard read, and:
//   GET /api/health             a constant answer (Kestrel and routing alone);
//   GET /floor/files/raw/{id}   the newest 20 files of a patient, ADO.NET (Microsoft.Data.Sqlite) and System.Text.Json;
//   GET /floor/files/ef/{id}    the same through an EF Core compiled query on a pooled context;
//   GET /floor/dashboard/{id}   the dashboard's four reads as EF Core compiled queries on one open connection.
// "Authentication" is one constant-time comparison of the Authorization header: a lower bound for any real scheme. No
// token, no revocation, no access policy, no Mediator, no encryption of the descriptions, no logging. benchmarks/floor.sh
// runs it beside the Flask peer and MediVault in one run.
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

var path = Path.Combine(Path.GetTempPath(), $"medivault-floor-{Environment.ProcessId}.db");
var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
FloorData.Create(connectionString);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddDbContextPool<FloorDb>(o => o.UseSqlite(connectionString));
var app = builder.Build();
app.Lifetime.ApplicationStopped.Register(() => { SqliteConnection.ClearAllPools(); File.Delete(path); });

var bearer = Encoding.ASCII.GetBytes("Bearer " + FloorData.Token);
bool Authorized(HttpContext http) =>
    CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(http.Request.Headers.Authorization.ToString()), bearer);

app.MapGet("/api/health", () => Results.Ok(new { status = "ok" }));

app.MapGet("/floor/files/raw/{owner:guid}", async (Guid owner, HttpContext http) =>
{
    if (!Authorized(http)) return Results.Unauthorized();
    http.Response.Headers.CacheControl = "no-store";
    await using var connection = new SqliteConnection(connectionString);
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = """
        SELECT Id, OwnerId, UploadedById, FileName, ContentType, SizeBytes, Category, Description, RecordDate, Sha256,
               UploadedAt, LedgerIndex, LedgerHash
        FROM Files WHERE OwnerId = $owner AND DeletedAt IS NULL ORDER BY UploadedAt DESC LIMIT 20
        """;
    command.Parameters.AddWithValue("$owner", FloorData.Text(owner));
    var page = new List<FileDto>(20);
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
        page.Add(new FileDto(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
            reader.GetInt64(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8), reader.GetString(9), reader.GetDateTime(10),
            reader.GetInt64(11), reader.GetString(12)));
    return Results.Ok(new { items = page, totalCount = page.Count });
});

var filePage = EF.CompileAsyncQuery((FloorDb db, Guid owner) => db.Files.AsNoTracking()
    .Where(f => f.OwnerId == owner && f.DeletedAt == null).OrderByDescending(f => f.UploadedAt).Take(20)
    .Select(f => new FileDto(f.Id, f.OwnerId, f.UploadedById, f.FileName, f.ContentType, f.SizeBytes, f.Category,
        f.Description, f.RecordDate, f.Sha256, f.UploadedAt, f.LedgerIndex, f.LedgerHash)));
app.MapGet("/floor/files/ef/{owner:guid}", async (Guid owner, HttpContext http, FloorDb db) =>
{
    if (!Authorized(http)) return Results.Unauthorized();
    http.Response.Headers.CacheControl = "no-store";
    var page = new List<FileDto>(20);
    await foreach (var file in filePage(db, owner)) page.Add(file);
    return Results.Ok(new { items = page, totalCount = page.Count });
});

var categories = EF.CompileAsyncQuery((FloorDb db, Guid owner) => db.Files.AsNoTracking()
    .Where(f => f.OwnerId == owner && f.DeletedAt == null)
    .GroupBy(f => f.Category).Select(g => new CategoryTotals(g.Key, g.Count(), g.Sum(f => f.SizeBytes), g.Max(f => f.UploadedAt))));
var activeCodes = EF.CompileAsyncQuery((FloorDb db, Guid owner, DateTime now, CancellationToken _) => db.QrCodes.AsNoTracking()
    .Count(c => c.PatientId == owner && c.RevokedAt == null && c.ExpiresAt > now && (c.MaxUses == null || c.UseCount < c.MaxUses)));
var profile = EF.CompileAsyncQuery((FloorDb db, Guid owner, CancellationToken _) => db.Profiles.AsNoTracking()
    .SingleOrDefault(p => p.PatientId == owner));
var recent = EF.CompileAsyncQuery((FloorDb db, Guid owner, int count) => db.AccessLog.AsNoTracking()
    .Where(e => e.PatientId == owner).OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).Take(count)
    .Select(e => new AccessLogDto(e.Id, e.Timestamp, e.Action, e.ActorName, e.ActorRole, e.ResourceType, e.ResourceId)));
app.MapGet("/floor/dashboard/{owner:guid}", async (Guid owner, HttpContext http, FloorDb db) =>
{
    if (!Authorized(http)) return Results.Unauthorized();
    http.Response.Headers.CacheControl = "no-store";
    await db.Database.OpenConnectionAsync();
    try
    {
        var totals = new List<CategoryTotals>();
        await foreach (var category in categories(db, owner)) totals.Add(category);
        var codes = await activeCodes(db, owner, DateTime.UtcNow, default);
        var sealedProfile = await profile(db, owner, default);
        var activity = new List<AccessLogDto>(10);
        await foreach (var entry in recent(db, owner, 10)) activity.Add(entry);
        return Results.Ok(new
        {
            totalFiles = totals.Sum(t => t.Count),
            totalSizeBytes = totals.Sum(t => t.SizeBytes),
            filesByCategory = totals,
            activeQrCodes = codes,
            emergencyProfileComplete = sealedProfile is { Sealed.Length: > 0 },
            recentActivity = activity,
        });
    }
    finally
    {
        await db.Database.CloseConnectionAsync();
    }
});

app.Run();

internal sealed record FileDto(Guid Id, Guid OwnerId, Guid UploadedById, string FileName, string ContentType, long SizeBytes,
    string Category, string? Description, DateOnly? RecordDate, string Sha256, DateTime UploadedAt, long LedgerIndex, string LedgerHash);
internal sealed record CategoryTotals(string Category, int Count, long SizeBytes, DateTime LastUploadAt);
internal sealed record AccessLogDto(Guid Id, DateTime Timestamp, string Action, string ActorName, string ActorRole, string ResourceType, string? ResourceId);

internal sealed class FileRow
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public Guid UploadedById { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long SizeBytes { get; set; }
    public string Category { get; set; } = "";
    public string? Description { get; set; }
    public DateOnly? RecordDate { get; set; }
    public string Sha256 { get; set; } = "";
    public DateTime UploadedAt { get; set; }
    public long LedgerIndex { get; set; }
    public string LedgerHash { get; set; } = "";
    public DateTime? DeletedAt { get; set; }
}

internal sealed class QrCodeRow
{
    public Guid Id { get; set; }
    public Guid PatientId { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public int? MaxUses { get; set; }
    public int UseCount { get; set; }
}

internal sealed class ProfileRow
{
    public Guid PatientId { get; set; }
    public byte[] Sealed { get; set; } = [];
}

internal sealed class AccessLogRow
{
    public Guid Id { get; set; }
    public Guid PatientId { get; set; }
    public DateTime Timestamp { get; set; }
    public string Action { get; set; } = "";
    public string ActorName { get; set; } = "";
    public string ActorRole { get; set; } = "";
    public string ResourceType { get; set; } = "";
    public string? ResourceId { get; set; }
}

internal sealed class FloorDb(DbContextOptions<FloorDb> options) : DbContext(options)
{
    public DbSet<FileRow> Files => Set<FileRow>();
    public DbSet<QrCodeRow> QrCodes => Set<QrCodeRow>();
    public DbSet<ProfileRow> Profiles => Set<ProfileRow>();
    public DbSet<AccessLogRow> AccessLog => Set<AccessLogRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<FileRow>().ToTable("Files");
        modelBuilder.Entity<QrCodeRow>().ToTable("QrCodes");
        modelBuilder.Entity<ProfileRow>().ToTable("Profiles").HasKey(p => p.PatientId);
        modelBuilder.Entity<AccessLogRow>().ToTable("AccessLog");
    }
}

/// <summary>The patient (<see cref="Patient"/>) with 20 files, 30 access-log entries and 30 codes, among 200 others' rows.</summary>
internal static class FloorData
{
    public static readonly Guid Patient = Guid.Parse("11111111-1111-1111-1111-111111111111");
    public const string Token = "floor-benchmark-token-0123456789abcdef";

    /// <summary>GUIDs as EF Core's SQLite provider stores them: upper-case text.</summary>
    public static string Text(Guid id) => id.ToString().ToUpperInvariant();

    public static void Create(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var schema = connection.CreateCommand())
        {
            schema.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE Files (Id TEXT PRIMARY KEY, OwnerId TEXT NOT NULL, UploadedById TEXT NOT NULL,
                    FileName TEXT NOT NULL, ContentType TEXT NOT NULL, SizeBytes INTEGER NOT NULL, Category TEXT NOT NULL,
                    Description TEXT, RecordDate TEXT, Sha256 TEXT NOT NULL, UploadedAt TEXT NOT NULL,
                    LedgerIndex INTEGER NOT NULL, LedgerHash TEXT NOT NULL, DeletedAt TEXT);
                CREATE INDEX IX_Files_OwnerId_UploadedAt ON Files (OwnerId, UploadedAt);
                CREATE TABLE QrCodes (Id TEXT PRIMARY KEY, PatientId TEXT NOT NULL, RevokedAt TEXT, ExpiresAt TEXT NOT NULL,
                    MaxUses INTEGER, UseCount INTEGER NOT NULL);
                CREATE INDEX IX_QrCodes_PatientId ON QrCodes (PatientId);
                CREATE TABLE Profiles (PatientId TEXT PRIMARY KEY, Sealed BLOB NOT NULL);
                CREATE TABLE AccessLog (Id TEXT PRIMARY KEY, PatientId TEXT NOT NULL, Timestamp TEXT NOT NULL, Action TEXT NOT NULL,
                    ActorName TEXT NOT NULL, ActorRole TEXT NOT NULL, ResourceType TEXT NOT NULL, ResourceId TEXT);
                CREATE INDEX IX_AccessLog_PatientId_Timestamp ON AccessLog (PatientId, Timestamp);
                """;
            schema.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        var now = DateTime.UtcNow;
        for (var i = 0; i < 220; i++)
        {
            var owner = Text(i < 20 ? Patient : Guid.NewGuid());
            Insert(connection, "INSERT INTO Files VALUES ($id, $owner, $owner, $name, 'application/pdf', $size, 'lab-report', $description, NULL, $sha, $at, $index, $hash, NULL)",
                ("$id", Text(Guid.CreateVersion7())), ("$owner", owner), ("$name", $"report-{i}.pdf"), ("$size", 1000 + i),
                ("$description", i % 2 == 0 ? $"Blood panel {i}" : DBNull.Value),
                ("$sha", Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)))), ("$at", Stamp(now.AddMinutes(-i))),
                ("$index", i), ("$hash", Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(-i)))));
        }

        for (var i = 0; i < 230; i++)
        {
            var owner = Text(i < 30 ? Patient : Guid.NewGuid());
            Insert(connection, "INSERT INTO AccessLog VALUES ($id, $owner, $at, 'records-viewed', 'Dr. Sharma', 'doctor', 'file', NULL)",
                ("$id", Text(Guid.CreateVersion7())), ("$owner", owner), ("$at", Stamp(now.AddMinutes(-i))));
            Insert(connection, "INSERT INTO QrCodes VALUES ($id, $owner, NULL, $expires, NULL, 0)",
                ("$id", Text(Guid.CreateVersion7())), ("$owner", owner), ("$expires", Stamp(now.AddDays(30))));
        }

        Insert(connection, "INSERT INTO Profiles VALUES ($owner, randomblob(600))", ("$owner", Text(Patient)));
        transaction.Commit();

        static string Stamp(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Insert(SqliteConnection connection, string sql, params (string Name, object Value)[] values)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in values) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }
}
