using System.Net;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

/// <summary>Every API answer, success or error, tells caches not to keep it: <c>Cache-Control: no-store</c> (ASVS 14.3.2).</summary>
public sealed class NoStoreTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private static void ShouldNotBeStored(HttpResponseMessage response, string what) =>
        response.Headers.CacheControl?.NoStore.Should().BeTrue($"{what} answered {(int)response.StatusCode} and must carry no-store");

    [Fact]
    public async Task AuthenticatedReads_AllAnswerNoStore()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        var file = await patient.Upload(SampleFiles.Pdf());
        await patient.SaveProfile();
        await patient.GenerateQr();
        await patient.GrantAccessTo(doctor);

        var reads = new (Session Reader, string Path)[]
        {
            (patient, "/api/auth/me"),
            (patient, $"/api/files/{patient.Id}"),
            (patient, $"/api/files/download/{file.Id}"),
            (patient, $"/api/files/{file.Id}/verify"),
            (patient, $"/api/emergency-profile/{patient.Id}"),
            (patient, "/api/qr/codes"),
            (patient, $"/api/dashboard/stats/{patient.Id}"),
            (patient, $"/api/access-logs/{patient.Id}"),
            (patient, "/api/access-grants"),
            (patient, "/api/ledger/verify"),
            (patient, "/api/ledger/blocks"),
            (doctor, "/api/doctor/patients"),
            (doctor, $"/api/files/{patient.Id}"),
        };

        foreach (var (reader, path) in reads)
        {
            var response = await reader.Client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            ShouldNotBeStored(response, path);
        }
    }

    [Fact]
    public async Task EveryMappedApiRead_AnswersNoStore_WhateverItsStatus()
    {
        // Every GET route the app maps under /api or /fhir, today's and those added later, with its parameters filled in.
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf());
        var reads = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true)
            .ToList();
        // The transparency log's public answers (checkpoint, tiles) choose their own caching: they hold hashes and
        // signatures only, and are served to anyone. Exactly these two, and both anonymous.
        var publicLog = reads.Where(e => e.Metadata.GetMetadata<MediVault.WebApi.Infrastructure.PublicLogData>() is not null).ToList();
        publicLog.Select(e => e.RoutePattern.RawText).Should().BeEquivalentTo("/api/ledger/checkpoint", "/api/ledger/tile/{level}/{**path}");
        publicLog.Should().OnlyContain(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() != null);
        var routes = reads.Except(publicLog)
            .Select(e => e.RoutePattern)
            .Where(p => p.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/fhir", StringComparison.Ordinal)))
            .ToList();
        routes.Should().HaveCountGreaterThan(10);

        foreach (var route in routes)
        {
            var path = "/" + string.Join('/', route.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "fileId" or "id" } => file.Id.ToString(),
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => patient.Id.ToString(),
                _ => "",
            }))));

            ShouldNotBeStored(await patient.Client.GetAsync(path), "GET " + path);
        }
    }

    [Fact]
    public async Task Errors_AnswerNoStore()
    {
        var patient = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();
        using var anonymous = api.Anonymous();

        var notYours = await stranger.Client.GetAsync($"/api/files/{patient.Id}");
        var noCredentials = await anonymous.GetAsync($"/api/files/{patient.Id}");
        var badInput = await patient.Client.GetAsync($"/api/files/{patient.Id}?pageSize=0");
        var refused = await patient.Client.GetAsync("/api/doctor/patients");
        var badBody = await patient.Client.PostAsJsonAsync("/api/qr/generate", new { expiresInMinutes = 1 });

        await notYours.ShouldBeProblem(HttpStatusCode.NotFound);
        noCredentials.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await badInput.ShouldBeProblem(HttpStatusCode.BadRequest);
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await badBody.ShouldBeProblem(HttpStatusCode.BadRequest);
        foreach (var (response, what) in new[] { (notYours, "404"), (noCredentials, "401"), (badInput, "400"), (refused, "403"), (badBody, "400 on POST") })
            ShouldNotBeStored(response, what);
    }

    [Fact]
    public async Task Writes_AndTheFirstRespondersView_AnswerNoStore()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var qr = await patient.Client.PostAsJsonAsync("/api/qr/generate", new { });
        var token = (await qr.Content.ReadFromJsonAsync<QrCreatedAnswer>(Api.Json))!.Token;
        using var anonymous = api.Anonymous();

        ShouldNotBeStored(qr, "POST /api/qr/generate");
        ShouldNotBeStored(await anonymous.GetAsync($"/api/qr/access/{token}"), "GET /api/qr/access/{token}");
        ShouldNotBeStored(await anonymous.GetAsync("/api/health"), "GET /api/health");
    }

    [Fact]
    public async Task StaticFiles_KeepRevalidation_NotNoStore()
    {
        using var anonymous = api.Anonymous();

        var page = await anonymous.GetAsync("/");

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Headers.CacheControl?.NoCache.Should().BeTrue();
        page.Headers.CacheControl?.NoStore.Should().BeFalse();
    }
}
