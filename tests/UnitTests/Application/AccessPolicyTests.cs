using MediVault.Application.Common.Access;

namespace MediVault.UnitTests.Application;

/// <summary>Every actor × action: the one rule table for a patient's records.</summary>
public sealed class AccessPolicyTests
{
    private static readonly RecordAction[] DoctorMay =
    [
        RecordAction.ListFiles, RecordAction.DownloadFile, RecordAction.VerifyFile, RecordAction.UploadFile,
        RecordAction.ReadProfile, RecordAction.ReadDashboard, RecordAction.ReadAccessLog, RecordAction.ReadLedger,
    ];

    public static TheoryData<ActorRelation, RecordAction, bool> Matrix()
    {
        var data = new TheoryData<ActorRelation, RecordAction, bool>();
        foreach (var action in Enum.GetValues<RecordAction>())
        {
            data.Add(ActorRelation.Owner, action, true);
            data.Add(ActorRelation.GrantedDoctor, action, DoctorMay.Contains(action));
            data.Add(ActorRelation.Stranger, action, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Allows_FollowsTheTable(ActorRelation relation, RecordAction action, bool allowed) =>
        AccessPolicy.Allows(relation, action).Should().Be(allowed);

    [Theory]
    [InlineData(RecordAction.DeleteFile)]
    [InlineData(RecordAction.WriteProfile)]
    public void GrantedDoctor_NeverDeletesOrWritesTheProfile(RecordAction action) =>
        AccessPolicy.Allows(ActorRelation.GrantedDoctor, action).Should().BeFalse();
}
