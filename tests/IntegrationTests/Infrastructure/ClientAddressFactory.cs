using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// The test server has no client address (RemoteIpAddress is null). This factory lets a test say which address a
/// request comes from, with the header <see cref="Header"/>, so per-address rules and logged addresses can be tested.
/// </summary>
public sealed class ClientAddressFactory : MediVaultFactory
{
    public const string Header = "X-Test-Client-Address";

    public static HttpRequestMessage From(string address, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(Header, address);
        return request;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressStartupFilter>());
    }

    private sealed class ClientAddressStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
                    context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
