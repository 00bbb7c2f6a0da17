using MediVault.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;

namespace MediVault.UnitTests.Infrastructure;

public sealed class SqliteTransientRetryTests
{
    [Fact]
    public async Task Pipeline_RetriesBusyUntilItClears()
    {
        var attempts = 0;

        var result = await SqliteTransientRetry.Pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            return attempts < 3 ? throw new SqliteException("database is locked", 5) : ValueTask.FromResult(42);
        });

        result.Should().Be(42);
        attempts.Should().Be(3);
    }

    [Fact]
    public async Task Pipeline_DoesNotRetryOtherErrors()
    {
        var attempts = 0;

        var act = async () => await SqliteTransientRetry.Pipeline.ExecuteAsync<int>(_ =>
        {
            attempts++;
            throw new SqliteException("constraint failed", 19);
        });

        await act.Should().ThrowAsync<SqliteException>();
        attempts.Should().Be(1);
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, true)]
    [InlineData(19, false)]
    [InlineData(1, false)]
    public void IsTransient_OnlyBusyAndLocked(int code, bool transient) =>
        SqliteTransientRetry.IsTransient(new SqliteException("x", code)).Should().Be(transient);
}
