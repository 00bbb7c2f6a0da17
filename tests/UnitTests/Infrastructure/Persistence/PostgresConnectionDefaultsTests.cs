using MediVault.Infrastructure.Persistence;
using Npgsql;

namespace MediVault.UnitTests.Infrastructure.Persistence;

/// <summary>The Npgsql settings the app adds to an operator's connection string, and never over what the operator wrote.</summary>
public sealed class PostgresConnectionDefaultsTests
{
    private const string Plain = "Host=db.internal;Port=5432;Username=medivault;Password=s3cret;Database=medivault";

    [Fact]
    public void WithDefaults_AConnectionStringWithoutThem_PreparesRepeatedStatementsAndSkipsTheResetOnReturn()
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithDefaults(Plain));

        result.MaxAutoPrepare.Should().Be(64);
        result.NoResetOnClose.Should().BeTrue();
    }

    [Fact]
    public void WithDefaults_KeepsEverythingTheOperatorWrote()
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithDefaults(Plain));

        (result.Host, result.Port, result.Username, result.Password, result.Database)
            .Should().Be(("db.internal", 5432, "medivault", "s3cret", "medivault"));
    }

    [Theory]
    [InlineData("Max Auto Prepare=0")]
    [InlineData("MaxAutoPrepare=0")]
    [InlineData("max auto prepare=0")]
    public void WithDefaults_AutoPreparationTurnedOffByTheOperator_StaysOff(string setting)
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithDefaults($"{Plain};{setting}"));

        result.MaxAutoPrepare.Should().Be(0);
        result.NoResetOnClose.Should().BeTrue();
    }

    [Theory]
    [InlineData("No Reset On Close=false")]
    [InlineData("NoResetOnClose=false")]
    public void WithDefaults_ResetOnReturnAskedForByTheOperator_IsKept(string setting)
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithDefaults($"{Plain};{setting}"));

        result.NoResetOnClose.Should().BeFalse();
        result.MaxAutoPrepare.Should().Be(64);
    }

    [Fact]
    public void ConnectionString_OfTheProvider_HasTheDefaults()
    {
        var provider = new PostgresDatabase(Plain);

        new NpgsqlConnectionStringBuilder(provider.ConnectionString).MaxAutoPrepare.Should().Be(64);
    }
}
