using MediVault.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MediVault.UnitTests.Infrastructure;

public sealed class HealthMonitorTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 3, 4, 0, 0, TimeSpan.Zero));
    private bool databaseUp = true;
    private int probes;

    private HealthMonitor Monitor() => new(() =>
    {
        Interlocked.Increment(ref probes);
        return Task.FromResult((databaseUp, true));
    }, clock);

    [Fact]
    public async Task ManyCallersWithinASecond_ShareOneProbe()
    {
        var monitor = Monitor();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => monitor.CheckAsync()));
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var later = await monitor.CheckAsync();

        probes.Should().Be(1);
        answers.Should().OnlyContain(a => a.Healthy);
        later.Healthy.Should().BeTrue();
    }

    [Fact]
    public async Task AFailure_ShowsOnceTheResultIsASecondOld()
    {
        var monitor = Monitor();
        (await monitor.CheckAsync()).Healthy.Should().BeTrue();
        databaseUp = false;

        clock.Advance(HealthMonitor.MaxAge);
        var answer = await monitor.CheckAsync();

        answer.Healthy.Should().BeFalse();
        answer.Database.Should().BeFalse();
        probes.Should().Be(2);
    }
}
