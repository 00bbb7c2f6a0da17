using System.Reflection;
using NetArchTest.Rules;

namespace MediVault.UnitTests.Architecture;

/// <summary>Dependencies point inwards: Domain ← Application ← Infrastructure ← WebApi.</summary>
public sealed class LayerTests
{
    private static readonly Assembly Domain = typeof(MediVault.Domain.Records.MedicalFile).Assembly;
    private static readonly Assembly Application = typeof(MediVault.Application.DependencyInjection).Assembly;
    private static readonly Assembly Infrastructure = typeof(MediVault.Infrastructure.DependencyInjection).Assembly;
    private static readonly Assembly WebApi = typeof(Program).Assembly;

    /// <summary>The database engines' own namespaces: only Infrastructure's provider folders may name them.</summary>
    private static readonly string[] DatabaseProviders =
        ["Microsoft.Data.Sqlite", "Microsoft.EntityFrameworkCore.Sqlite", "Npgsql", "Microsoft.EntityFrameworkCore.Sqlite.Infrastructure"];

    [Fact]
    public void Domain_DependsOnNoOtherLayerAndNoFramework()
    {
        var result = Types.InAssembly(Domain).ShouldNot()
            .HaveDependencyOnAny("MediVault.Application", "MediVault.Infrastructure", "MediVault.WebApi",
                "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "OpenIddict", "Mediator", "FluentValidation")
            .GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Fact]
    public void Application_DependsOnlyOnDomain()
    {
        var result = Types.InAssembly(Application).ShouldNot()
            .HaveDependencyOnAny("MediVault.Infrastructure", "MediVault.WebApi",
                "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore.Sqlite", "Microsoft.Data.Sqlite", "OpenIddict")
            .GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Fact]
    public void Infrastructure_DoesNotDependOnWebApi()
    {
        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("MediVault.WebApi").GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Fact]
    public void WebApi_NamesNoDatabaseProvider()
    {
        var result = Types.InAssembly(WebApi).ShouldNot().HaveDependencyOnAny(DatabaseProviders).GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
        Referenced(WebApi).Should().NotContain(name => DatabaseProviders.Any(p => name.StartsWith(p, StringComparison.Ordinal)));
    }

    [Fact]
    public void DatabaseProviderRule_CanFail()
    {
        // Infrastructure does name both engines, in its provider folders.
        Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOnAny(DatabaseProviders).GetResult().IsSuccessful.Should().BeFalse();
    }

    [Fact]
    public void ProjectReferences_PointInwards()
    {
        Referenced(Domain).Should().NotContain(name => name.StartsWith("MediVault.", StringComparison.Ordinal));
        Referenced(Application).Where(name => name.StartsWith("MediVault.", StringComparison.Ordinal)).Should().BeEquivalentTo(["MediVault.Domain"]);
        Referenced(Infrastructure).Should().NotContain("MediVault.WebApi");
    }

    [Fact]
    public void Rules_CatchAnOutwardDependency()
    {
        // The rule itself must be able to fail: Infrastructure does depend on Application.
        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("MediVault.Application").GetResult();

        result.IsSuccessful.Should().BeFalse();
    }

    /// <summary>The blob store's file handles and I/O errors stay in Infrastructure, behind <c>IFileStore</c> (issue 13).</summary>
    private static readonly string[] FileHandleTypes =
        ["Microsoft.Win32.SafeHandles.SafeFileHandle", "System.IO.RandomAccess", "System.IO.FileStream", "System.IO.IOException"];

    [Fact]
    public void Application_NamesNoFileHandleAndNoIOException()
    {
        var result = Types.InAssembly(Application).ShouldNot().HaveDependencyOnAny(FileHandleTypes).GetResult();

        result.IsSuccessful.Should().BeTrue(Failing(result));
    }

    [Fact]
    public void WebApi_NamesNoFileHandleAndNoIOExceptionOutsideTheRequestBodyReader()
    {
        // The multipart reader reports a malformed request body as IOException: that is HTTP input, not storage.
        var result = Types.InAssembly(WebApi).ShouldNot().HaveDependencyOnAny(FileHandleTypes).GetResult();

        (result.FailingTypeNames ?? []).Where(name => !name.StartsWith("MediVault.WebApi.Infrastructure.MultipartUploadForm", StringComparison.Ordinal))
            .Should().BeEmpty();
    }

    [Fact]
    public void FileHandleRule_CatchesAHandle()
    {
        // The rule must be able to fail: Infrastructure's file-system backend does hold file handles.
        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOnAny(FileHandleTypes).GetResult();

        result.IsSuccessful.Should().BeFalse();
        result.FailingTypeNames.Should().Contain(name => name.Contains("FileSystemBlobBackend", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Referenced(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!);

    private static string Failing(TestResult result) =>
        "these types reach outwards: " + string.Join(", ", result.FailingTypeNames ?? []);
}
