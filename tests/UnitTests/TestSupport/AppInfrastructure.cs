using MediVault.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NSubstitute;

namespace MediVault.UnitTests.TestSupport;

/// <summary>The app's infrastructure services, configured as the app configures them for a provider.</summary>
internal static class AppInfrastructure
{
    /// <summary>
    /// The services for <paramref name="provider"/>. Nothing connects to a database until a test opens a connection (the
    /// PostgreSQL connection string names no server); a test that does gives a <paramref name="dataDirectory"/> of its own.
    /// </summary>
    public static ServiceProvider Services(string provider, string? dataDirectory = null)
    {
        var folder = dataDirectory ?? Path.Combine(Path.GetTempPath(), "medivault-unit-migrations");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MediVault:Database:Provider"] = provider,
            ["MediVault:DataDirectory"] = folder,
            [$"ConnectionStrings:{DependencyInjection.ConnectionStringName}"] = "Host=localhost;Database=medivault_unit_no_connection",
        }).Build();
        var environment = Substitute.For<IHostEnvironment>();
        environment.ContentRootPath.Returns(folder);
        environment.EnvironmentName.Returns(Environments.Production);
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(environment);
        services.AddInfrastructure(configuration, environment);
        return services.BuildServiceProvider();
    }
}
