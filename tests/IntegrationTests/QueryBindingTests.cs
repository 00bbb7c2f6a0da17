using System.Reflection;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

/// <summary>
/// Every optional query parameter that is not a string (page, pageSize, from, to, limit, …), sent a value that does not
/// parse, is a 400 naming it: found from the app's own endpoints, so an endpoint added later is covered too. The Request
/// Delegate Generator answers such a value with a bare 400 (decisions §157); this fails for an endpoint whose handler
/// does not go through <c>RuntimeBound.Handler</c>.
/// </summary>
public sealed class QueryBindingTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    [Fact]
    public async Task EveryOptionalParsableQueryParameter_ThatDoesNotParse_Is400NamingIt()
    {
        var patient = await api.RegisterPatient();
        var checkedParameters = new List<string>();

        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") != true)
                continue;
            foreach (var parameter in endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>().Where(IsOptionalParsableQuery(endpoint)))
            {
                var path = PathOf(endpoint, patient.Id) + $"?{parameter.Name}=abc";
                var response = await patient.Client.GetAsync(path);

                await response.ShouldBeValidationProblemFor(parameter.Name);
                checkedParameters.Add($"{endpoint.RoutePattern.RawText} {parameter.Name}");
            }
        }

        checkedParameters.Should().Contain(["/api/files/{userId:guid} page", "/api/ledger/proof/consistency from"],
            "the list's paging and the consistency proof's sizes are among them");
    }

    private static Func<IParameterBindingMetadata, bool> IsOptionalParsableQuery(RouteEndpoint endpoint) => parameter =>
        parameter.IsOptional && parameter.HasTryParse && endpoint.RoutePattern.GetParameter(parameter.Name) is null
        && (Nullable.GetUnderlyingType(parameter.ParameterInfo.ParameterType) ?? parameter.ParameterInfo.ParameterType) != typeof(string);

    /// <summary>The route with its parameters filled in: the patient's own id for a guid, 0 for anything else.</summary>
    private static string PathOf(RouteEndpoint endpoint, Guid patientId)
    {
        var path = endpoint.RoutePattern.RawText!;
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            var value = parameter.ParameterPolicies.Any(p => p.Content == "guid") ? patientId.ToString() : "0";
            path = path.Replace(PlaceholderOf(path, parameter.Name), value, StringComparison.Ordinal);
        }

        return path.StartsWith('/') ? path : "/" + path;
    }

    private static string PlaceholderOf(string path, string name)
    {
        var start = path.IndexOf("{" + name, StringComparison.Ordinal);
        return path[start..(path.IndexOf('}', start) + 1)];
    }
}
