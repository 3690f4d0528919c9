using System.Numerics;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Vmf;

/// <summary>
/// The Debye (Olver uniform) correction sums of vmf_mcinfonce.md §3.1/§3.5, in <c>(ν, κ, r)</c> form:
/// <c>Σ₀ = Σ_{k=1}^{12} v_k(τ)/r^k</c>, <c>Σ₁ = Σ (T_k v_k)(τ)/r^k</c>, <c>Σ₂ = Σ (T_k T_k v_k)(τ)/r^k</c>, with
/// <c>v_k(τ) = u_k(t)/t^k</c>, <c>τ = t² = ν²/r²</c>, <c>T_k[f](τ) = 2τ f′(τ) + k f(τ)</c> (so that
/// <c>dΣ₀/dκ = −(κ/r²)Σ₁</c> and <c>dΣ₁/dκ = −(κ/r²)Σ₂</c>).
/// </summary>
/// <remarks>
/// The coefficients were generated exactly with rational arithmetic from DLMF 10.41.10
/// (<c>u_{k+1} = ½t²(1−t²)u_k′ + ⅛∫₀ᵗ(1−5s²)u_k</c>) and rounded once to double; the products by <c>(k+2i)</c> and
/// <c>(k+2i)²</c> were formed exactly before rounding. Horner in τ per <c>k</c>, then Horner in <c>x = 1/r</c>, so no
/// power of <c>r</c> is formed (no overflow in f32 at <c>r = 10⁶</c>). The self-check <c>v_k(1) = u_k(1)</c> (the
/// Stirling coefficients of <c>1/Γ</c>) is in the tests.
/// </remarks>
public static class VmfDebyeSums
{
    /// <summary>Number of Debye terms <c>K</c>.</summary>
    public const int Terms = 12;

    /// <summary>Evaluates <c>Σ₀, Σ₁, Σ₂</c> at <paramref name="tau"/> <c>= ν²/r²</c> and <paramref name="x"/> <c>= 1/r</c>.</summary>
    public static void Evaluate<T, TReal>(T tau, T x, out T s0, out T s1, out T s2)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T v;
        T tv;
        T ttv;
        s0 = T.Zero;
        s1 = T.Zero;
        s2 = T.Zero;
        // v_12: degree 12 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(814789096.1183121), TReal.FromDouble(29332407460.259235), TReal.FromDouble(1055966668569.3325));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-5866481492.051847), TReal.FromDouble(-199460370729.76282), TReal.FromDouble(-6781652604811.936));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(18688207509.295826), TReal.FromDouble(598022640297.4664), TReal.FromDouble(19136724489518.926));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-34632043388.158775), TReal.FromDouble(-1038961301644.7633), TReal.FromDouble(-31168839049342.9));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(41280185579.753975), TReal.FromDouble(1155845196233.1113), TReal.FromDouble(32363665494527.117));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-33026599749.800724), TReal.FromDouble(-858691593494.8188), TReal.FromDouble(-22325981430865.29));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(17954213731.1556), TReal.FromDouble(430901129547.7344), TReal.FromDouble(10341627109145.625));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-6563293792.619285), TReal.FromDouble(-144392463437.62427), TReal.FromDouble(-3176634195627.7334));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(1559279864.8792574), TReal.FromDouble(31185597297.58515), TReal.FromDouble(623711945951.703));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-225105661.88941526), TReal.FromDouble(-4051901914.009475), TReal.FromDouble(-72934234452.17055));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(17395107.553978164), TReal.FromDouble(278321720.8636506), TReal.FromDouble(4453147533.81841));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-549842.3275722887), TReal.FromDouble(-7697792.586012041), TReal.FromDouble(-107769096.20416859));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(3038.090510922384), TReal.FromDouble(36457.08613106861), TReal.FromDouble(437485.03357282333));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_11: degree 11 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-49329253.66450996), TReal.FromDouble(-1627865370.9288287), TReal.FromDouble(-53719557240.65135));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(325573074.18576574), TReal.FromDouble(10092765299.758738), TReal.FromDouble(312875724292.5209));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-939462359.6815784), TReal.FromDouble(-27244408430.765774), TReal.FromDouble(-790087844492.2074));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(1553596899.57058), TReal.FromDouble(41947116288.40566), TReal.FromDouble(1132572139786.953));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-1621080552.1083372), TReal.FromDouble(-40527013802.70843), TReal.FromDouble(-1013175345067.7107));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(1106842816.8230145), TReal.FromDouble(25457384786.929333), TReal.FromDouble(585519850099.3746));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-495889784.2750303), TReal.FromDouble(-10413685469.775637), TReal.FromDouble(-218687394865.28836));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(142062907.7975331), TReal.FromDouble(2699195248.1531286), TReal.FromDouble(51284709714.90945));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-24474062.72573873), TReal.FromDouble(-416059066.3375584), TReal.FromDouble(-7073004127.738493));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(2243768.1779224495), TReal.FromDouble(33656522.66883674), TReal.FromDouble(504847840.0325511));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-84005.43360302408), TReal.FromDouble(-1092070.6368393132), TReal.FromDouble(-14196918.27891107));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(551.3358961220206), TReal.FromDouble(6064.694857342227), TReal.FromDouble(66711.6434307645));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_10: degree 10 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(3284469.853072038), TReal.FromDouble(98534095.59216113), TReal.FromDouble(2956022867.764834));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-19706819.118432228), TReal.FromDouble(-551790935.3161024), TReal.FromDouble(-15450146188.850866));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(50952602.49266464), TReal.FromDouble(1324767664.8092806), TReal.FromDouble(34443959285.0413));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-74105148.21153265), TReal.FromDouble(-1778523557.076784), TReal.FromDouble(-42684565369.84281));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(66344512.27472903), TReal.FromDouble(1459579270.0440385), TReal.FromDouble(32110743940.96885));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-37567176.66076335), TReal.FromDouble(-751343533.2152671), TReal.FromDouble(-15026870664.30534));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(13288767.166421818), TReal.FromDouble(239197808.99559274), TReal.FromDouble(4305560561.92067));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-2785618.1280864547), TReal.FromDouble(-44569890.049383275), TReal.FromDouble(-713118240.7901324));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(308186.4046126624), TReal.FromDouble(4314609.664577274), TReal.FromDouble(60404535.30408183));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-13886.08975371704), TReal.FromDouble(-166633.0770446045), TReal.FromDouble(-1999596.9245352538));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(110.01714026924674), TReal.FromDouble(1100.1714026924674), TReal.FromDouble(11001.714026924674));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_9: degree 9 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-242919.18790055133), TReal.FromDouble(-6558818.073314886), TReal.FromDouble(-177088087.97950193));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(1311763.6146629772), TReal.FromDouble(32794090.36657443), TReal.FromDouble(819852259.1643608));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-2998015.9185381066), TReal.FromDouble(-68954366.12637645), TReal.FromDouble(-1585950420.9066584));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(3763271.297656404), TReal.FromDouble(79028697.25078449), TReal.FromDouble(1659602642.2664742));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-2813563.226586534), TReal.FromDouble(-53457701.305144146), TReal.FromDouble(-1015696324.7977388));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(1268365.2733216248), TReal.FromDouble(21562209.646467622), TReal.FromDouble(366557563.9899496));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-331645.1724845636), TReal.FromDouble(-4974677.587268454), TReal.FromDouble(-74620163.80902681));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(45218.76898136273), TReal.FromDouble(587843.9967577155), TReal.FromDouble(7641971.957850301));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-2499.8304818112097), TReal.FromDouble(-27498.135299923306), TReal.FromDouble(-302479.48829915636));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(24.380529699556064), TReal.FromDouble(219.42476729600457), TReal.FromDouble(1974.8229056640412));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_8: degree 8 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(20204.29133096615), TReal.FromDouble(484902.99194318755), TReal.FromDouble(11637671.806636501));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-96980.59838863752), TReal.FromDouble(-2133573.1645500255), TReal.FromDouble(-46938609.62010056));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(192547.00123253153), TReal.FromDouble(3850940.0246506305), TReal.FromDouble(77018800.4930126));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-203400.17728041555), TReal.FromDouble(-3661203.1910474794), TReal.FromDouble(-65901657.438854635));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(122200.46498301746), TReal.FromDouble(1955207.4397282794), TReal.FromDouble(31283319.03565247));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-41192.65496889755), TReal.FromDouble(-576697.1695645658), TReal.FromDouble(-8073760.37390392));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(7109.514302489364), TReal.FromDouble(85314.17162987236), TReal.FromDouble(1023770.0595584684));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-493.915304773088), TReal.FromDouble(-4939.15304773088), TReal.FromDouble(-49391.5304773088));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(6.074042001273483), TReal.FromDouble(48.592336010187864), TReal.FromDouble(388.7386880815029));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_7: degree 7 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-1919.457662318407), TReal.FromDouble(-40308.61090868655), TReal.FromDouble(-846480.8290824175));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(8061.722181737309), TReal.FromDouble(153172.72145300888), TReal.FromDouble(2910281.7076071687));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-13586.550006434138), TReal.FromDouble(-230971.35010938035), TReal.FromDouble(-3926512.951859466));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(11655.393336864534), TReal.FromDouble(174830.900052968), TReal.FromDouble(2622463.50079452));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-5305.646978613403), TReal.FromDouble(-68973.41072197424), TReal.FromDouble(-896654.3393856651));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(1200.9029132163525), TReal.FromDouble(13209.932045379877), TReal.FromDouble(145309.25249917863));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-108.09091978839466), TReal.FromDouble(-972.8182780955519), TReal.FromDouble(-8755.364502859968));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(1.7277275025844574), TReal.FromDouble(12.094092518091202), TReal.FromDouble(84.65864762663841));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_6: degree 6 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(212.57013003921713), TReal.FromDouble(3826.262340705908), TReal.FromDouble(68872.72213270635));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-765.2524681411817), TReal.FromDouble(-12244.039490258907), TReal.FromDouble(-195904.6318441425));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(1059.9904525279999), TReal.FromDouble(14839.866335391998), TReal.FromDouble(207758.12869548798));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-699.5796273761325), TReal.FromDouble(-8394.95552851359), TReal.FromDouble(-100739.46634216308));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(218.1905117442116), TReal.FromDouble(2181.905117442116), TReal.FromDouble(21819.051174421158));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-26.491430486951554), TReal.FromDouble(-211.93144389561243), TReal.FromDouble(-1695.4515511648995));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(0.5725014209747314), TReal.FromDouble(3.4350085258483887), TReal.FromDouble(20.610051155090332));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_5: degree 5 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-28.212072558200244), TReal.FromDouble(-423.18108837300366), TReal.FromDouble(-6347.716325595055));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(84.63621767460073), TReal.FromDouble(1100.2708297698096), TReal.FromDouble(14303.520787007525));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-91.81824154324002), TReal.FromDouble(-1010.0006569756401), TReal.FromDouble(-11110.007226732043));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(42.53499874538846), TReal.FromDouble(382.8149887084961), TReal.FromDouble(3445.334898376465));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-7.368794359479632), TReal.FromDouble(-51.58156051635742), TReal.FromDouble(-361.07092361450196));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(0.22710800170898438), TReal.FromDouble(1.1355400085449219), TReal.FromDouble(5.677700042724609));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_4: degree 4 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(4.669584423426247), TReal.FromDouble(56.03501308111497), TReal.FromDouble(672.4201569733797));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-11.207002616222994), TReal.FromDouble(-112.07002616222994), TReal.FromDouble(-1120.7002616222994));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(8.78912353515625), TReal.FromDouble(70.31298828125), TReal.FromDouble(562.50390625));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-2.3640869140625), TReal.FromDouble(-14.184521484375), TReal.FromDouble(-85.10712890625));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(0.112152099609375), TReal.FromDouble(0.4486083984375), TReal.FromDouble(1.79443359375));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_3: degree 3 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-1.0258125964506173), TReal.FromDouble(-9.232313368055555), TReal.FromDouble(-83.0908203125));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(1.8464626736111112), TReal.FromDouble(12.925238715277779), TReal.FromDouble(90.47667100694444));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-0.8912109375), TReal.FromDouble(-4.4560546875), TReal.FromDouble(-22.2802734375));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(0.0732421875), TReal.FromDouble(0.2197265625), TReal.FromDouble(0.6591796875));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_2: degree 2 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(0.3342013888888889), TReal.FromDouble(2.0052083333333335), TReal.FromDouble(12.03125));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-0.4010416666666667), TReal.FromDouble(-1.6041666666666667), TReal.FromDouble(-6.416666666666667));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(0.0703125), TReal.FromDouble(0.140625), TReal.FromDouble(0.28125));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;

        // v_1: degree 1 in τ
        v = T.Zero;
        tv = T.Zero;
        ttv = T.Zero;
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(-0.20833333333333334), TReal.FromDouble(-0.625), TReal.FromDouble(-1.875));
        Step(tau, ref v, ref tv, ref ttv, TReal.FromDouble(0.125), TReal.FromDouble(0.125), TReal.FromDouble(0.125));
        s0 = (s0 * x) + v;
        s1 = (s1 * x) + tv;
        s2 = (s2 * x) + ttv;
        s0 *= x;
        s1 *= x;
        s2 *= x;
    }

    private static void Step<T>(T tau, ref T v, ref T tv, ref T ttv, T c, T tc, T ttc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        v = (v * tau) + c;
        tv = (tv * tau) + tc;
        ttv = (ttv * tau) + ttc;
    }
}
