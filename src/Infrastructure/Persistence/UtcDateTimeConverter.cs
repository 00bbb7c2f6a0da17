using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MediVault.Infrastructure.Persistence;

/// <summary>Marks every DateTime read from the database as UTC (SQLite keeps no kind).</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
