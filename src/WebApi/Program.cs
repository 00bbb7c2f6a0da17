using MediVault.Application;
using MediVault.Application.Common.Behaviours;
using MediVault.Infrastructure;
using MediVault.WebApi;
using MediVault.WebApi.Infrastructure;
using MediVault.WebApi.Maintenance;
using Microsoft.AspNetCore.Connections;

if (MaintenanceVerbs.IsVerb(args))
{
    Environment.ExitCode = await MaintenanceVerbs.RunAsync(args, Console.Out, Console.Error);
    return;
}

try
{
    var builder = WebApplication.CreateBuilder(args);

    // Production: structured (JSON) console logs, each line carrying the request's scope (RequestId, TraceId), for a log
    // collector. Development: the human-readable one-line formatter, so "Now listening on" is easy to find.
    builder.Logging.ClearProviders();
    if (builder.Environment.IsDevelopment())
    {
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "HH:mm:ss ";
        });
    }
    else
    {
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
    }

    // Kestrel's sockets receive into 64 KiB blocks instead of 4 KiB ones: a sixteenth of the receive calls on a large upload.
    builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();

    builder.Services.AddApplication();
    builder.Services.AddInfrastructure(builder.Configuration, builder.Environment);
    builder.Services.AddMediator(options =>
    {
        options.ServiceLifetime = ServiceLifetime.Scoped;
        options.PipelineBehaviors = [typeof(LoggingBehaviour<,>), typeof(ValidationBehaviour<,>)];
    });
    builder.Services.AddWebApi(builder.Configuration);

    var app = builder.Build();
    app.UseWebApi();
    app.MapWebApiEndpoints();
    await app.RunAsync();
}
catch (Exception ex) when (ex is not (OperationCanceledException or HostAbortedException))
{
    // A start that fails (a setting that does not bind or validate, an unreachable database) ends here with exit code 1
    // and one line naming the problem; a failure while the host starts has also been logged with its exception
    // ("Hosting failed to start"). Left unhandled, the exception would make the runtime abort, and an abort can write a
    // core dump that holds the keys. HostAbortedException is how WebApplicationFactory and the EF Core tools stop the
    // program once they have its host.
    await Console.Error.WriteLineAsync("MediVault did not start: " + ex.Message);
    Environment.ExitCode = 1;
}

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
